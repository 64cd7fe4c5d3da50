// Where stored queries live: `queries/<key>.graphql` runs in-process, `queries/<source>/<key>.graphql` on that source.
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { LOCAL_SOURCE } from '../execution/executor.ts';

export type QueryFile = {
  key: string;
  path: string;
  /** The source the folder names: `local` for the top level. */
  source: string;
};

/**
 * Lists the stored queries of `queriesDir` and one level of folders under it, each folder named
 * after the source its queries run on. The folder is the one place a card's source is chosen, so
 * that a query needs no code to run remotely and codegen can type each folder against its pinned
 * schema. Keys are unique across folders; a duplicate is reported, not silently shadowed.
 */
export async function listQueryFiles(queriesDir: string, problems: string[]): Promise<QueryFile[]> {
  const files: QueryFile[] = [];
  for (const entry of (await readdir(queriesDir)).sort()) {
    const path = join(queriesDir, entry);
    if (entry.endsWith('.graphql')) {
      files.push({ key: basename(entry, '.graphql'), path, source: LOCAL_SOURCE });
    } else if (!entry.startsWith('.') && (await stat(path)).isDirectory()) {
      // stat, not the dirent: a folder may be a symlink to queries shared with another source.
      for (const inner of (await readdir(path)).sort()) {
        if (inner.endsWith('.graphql')) files.push({ key: basename(inner, '.graphql'), path: join(path, inner), source: entry });
      }
    }
  }
  const seen = new Map<string, string>();
  return files.filter((file) => {
    const first = seen.get(file.key);
    if (first === undefined) {
      seen.set(file.key, file.path);
      return true;
    }
    problems.push(`${relative(process.cwd(), file.path)}:1: card "${file.key}" is already defined by ${relative(process.cwd(), first)}: card keys are unique across source folders`);
    return false;
  });
}
