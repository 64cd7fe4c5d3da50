// `cardql dev` (`npm run dev`): the service from the sources, reloading its cards on an edit, restarted on other edits.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { EXIT, parse, UsageError, type Command } from './args.ts';

export const dev: Command = {
  name: 'dev',
  summary: 'the service from the sources, reloading the cards on an edit of a query or mapper, restarted on other edits',
  help: `Usage: cardql dev

Runs \`cardql serve\` under \`tsx watch\`. An edit of a stored query (hints included) or a mapper
reloads the cards inside the running service, in well under a second; the mappers are then
type-checked and their type errors reported (the cards keep serving meanwhile). An edit of
schema.graphql, a pinned schema, the sources file or another TypeScript file restarts the service.
A card that stops loading is reported as at startup (file:line), the previous cards keep serving,
and the next edit tries again. The preview (/preview) reloads itself after each reload or restart,
keeping its customer and cards. \`npm run dev\` runs it.

Configuration comes from the environment, as for \`cardql serve\`.

Examples:
  cardql dev
  PORT=4100 cardql dev`,
  async run(args, io) {
    const { positionals } = parse('dev', args, {});
    if (positionals.length > 0) throw new UsageError(`dev takes no arguments, received ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
    const { restartOn, reloadOn } = watchList(io.env);
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const entry = fileURLToPath(new URL('../index.ts', import.meta.url));
    const flags = [...restartOn.flatMap((path) => ['--include', path]), ...reloadOn.flatMap((path) => ['--exclude', path])];
    const child = spawn(process.execPath, [tsx, 'watch', '--clear-screen=false', ...flags, entry], { env: { ...io.env, CARDQL_LIVE_RELOAD: '1' }, stdio: 'inherit' });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill(signal));
    const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
    return code ?? EXIT.ok;
  },
};

/**
 * What tsx restarts the service for besides the TypeScript it already follows (the in-process schema,
 * the sources file and every pinned schema it names, default schemas/), and what it must not restart
 * it for: the stored queries and the mappers (imported, so tsx would follow them), which the service
 * reloads itself (src/live-reload.ts).
 */
export function watchList(env: Record<string, string | undefined>): { restartOn: string[]; reloadOn: string[] } {
  const queries = env.CARDQL_QUERIES_DIR || 'queries';
  const cards = env.CARDQL_CARDS_DIR || 'src/cards';
  const reloadOn = [`${queries}/**`, `${cards}/**`];
  const list = ['schema.graphql', 'schemas/**/*.graphql'];
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
  return { restartOn: list, reloadOn };
}
