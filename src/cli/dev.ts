// `cardql dev` (`npm run dev`): the service from the sources, restarted on every edit of what makes a card.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { EXIT, parse, UsageError, type Command } from './args.ts';

export const dev: Command = {
  name: 'dev',
  summary: 'the service from the sources, restarted on every edit of a query, mapper, schema, hint or sources file',
  help: `Usage: cardql dev

Runs \`cardql serve\` under \`tsx watch\`, which restarts it when a TypeScript file it imports changes,
and also when a stored query (hints included), a mapper, schema.graphql, a pinned schema or the
sources file changes. A card that stops loading is reported as at startup (file:line), and the
service comes back at the next edit. The preview (/preview) reloads itself after each restart,
keeping its customer and cards. \`npm run dev\` runs it.

Configuration comes from the environment, as for \`cardql serve\`.

Examples:
  cardql dev
  PORT=4100 cardql dev`,
  async run(args, io) {
    const { positionals } = parse('dev', args, {});
    if (positionals.length > 0) throw new UsageError(`dev takes no arguments, received ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
    const watched = watchList(io.env);
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const entry = fileURLToPath(new URL('../index.ts', import.meta.url));
    const child = spawn(process.execPath, [tsx, 'watch', '--clear-screen=false', ...watched.flatMap((path) => ['--include', path]), entry], { env: io.env, stdio: 'inherit' });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill(signal));
    const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
    return code ?? EXIT.ok;
  },
};

/**
 * What a card is made of besides the TypeScript tsx already follows: the stored queries, new mappers,
 * the in-process schema, the sources file and every pinned schema it names (default schemas/).
 */
export function watchList(env: Record<string, string | undefined>): string[] {
  const queries = env.CARDQL_QUERIES_DIR || 'queries';
  const cards = env.CARDQL_CARDS_DIR || 'src/cards';
  const list = [`${queries}/**/*.graphql`, `${cards}/**/*`, 'schema.graphql', 'schemas/**/*.graphql'];
  const sources = env.CARDQL_SOURCES;
  if (sources) {
    list.push(sources);
    try {
      const declared = JSON.parse(readFileSync(sources, 'utf8')) as Record<string, { schema?: unknown }>;
      for (const entry of Object.values(declared)) if (typeof entry?.schema === 'string' && existsSync(entry.schema)) list.push(entry.schema);
    } catch {
      // a broken sources file is reported by cardql itself, at startup
    }
  }
  return list;
}
