// The composition root's choice of in-process data (CARDQL_LOCAL_SOURCE): the demo, none, or your own module.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError, redactUrl, type Config } from './config.ts';
import { openDemoData } from './demo/index.ts';
import type { LocalData } from './execution/local.ts';
import type { Logger } from './log.ts';
import { buildLayout } from './registry/registry.ts';

/**
 * What the default export of your module (CARDQL_LOCAL_SOURCE=path/to/module.ts) is: given the validated
 * configuration (`config.databaseUrl`, `config.databasePath`) and the logger, it makes your `LocalData`.
 * It may be async (open a pool, create tables). docs/your-own-data.md writes one step by step.
 */
export type CreateLocalData = (options: { config: Config; logger: Logger }) => LocalData | Promise<LocalData>;

/** The project's root when this module runs compiled (`dist/src/local-data.js`); undefined under tsx and vitest. */
const COMPILED_ROOT = import.meta.url.endsWith('.js') ? resolve(dirname(fileURLToPath(import.meta.url)), '../..') : undefined;

/** Opens the in-process data the configuration names; null for `none` (nothing is opened, no database file is made). */
export async function openLocalData(config: Config, logger: Logger): Promise<LocalData | null> {
  const choice = config.localSource;
  if (choice === 'none') return null;
  if (choice === 'demo') {
    const data = await openDemoData({ path: config.databasePath, url: config.databaseUrl });
    logger.info({ database: config.databaseUrl ? redactUrl(config.databaseUrl) : config.databasePath }, 'demo data open');
    return data;
  }
  const create = await importFactory(choice.module);
  return await create({ config, logger });
}

async function importFactory(path: string): Promise<CreateLocalData> {
  const module = moduleToImport(resolve(path));
  if (!existsSync(module)) {
    throw new ConfigError([`CARDQL_LOCAL_SOURCE: expected a module at ${relative(process.cwd(), module) || module}, received a path where there is none${module === resolve(path) ? '' : ' (`npm start` builds it: run `npm run build`)'}`]);
  }
  const exported = ((await import(pathToFileURL(module).href)) as { default?: unknown }).default;
  if (typeof exported !== 'function') {
    throw new ConfigError([`CARDQL_LOCAL_SOURCE: expected ${path} to export a function by default that makes your LocalData, received ${typeof exported}`]);
  }
  return exported as CreateLocalData;
}

/** Under tsx, the path itself; compiled, a `.ts` file under what `npm run build` compiles becomes its `dist/…js`. */
function moduleToImport(source: string): string {
  if (!COMPILED_ROOT || !source.endsWith('.ts')) return source;
  const { outDir, include } = buildLayout();
  const path = relative(COMPILED_ROOT, source);
  const compiled = include.some((dir) => !relative(dir, path).startsWith('..') && !isAbsolute(relative(dir, path)));
  if (!compiled) {
    throw new ConfigError([`CARDQL_LOCAL_SOURCE: expected a TypeScript module under ${include.join('/ or ')}/ (what \`npm run build\` compiles) or a .js/.mjs file, received ${source}`]);
  }
  return join(COMPILED_ROOT, outDir, path.replace(/\.ts$/, '.js'));
}
