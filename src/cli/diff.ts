// `cardql diff`: each remote source's pinned schema against its live one, and the cards each breaking change breaks.
import type { App } from '../app.ts';
import { EXIT, parse, UsageError, type Command, type Io } from './args.ts';

/** Exit code when a source could not be introspected and no card is known to break: retry, or look at the source. */
export const EXIT_UNREACHABLE = 3;

export const diff: Command = {
  name: 'diff',
  summary: 'compare each remote source\'s pinned schema with its live one: which cards each breaking change breaks',
  help: `Usage: cardql diff [--source <name>] [--json]

Introspects each remote source declared in CARDQL_SOURCES (with its headers), compares its live
schema with the pinned one (schemas/<source>.graphql) using @graphql-inspector/core, and lists each
breaking change with the card keys it breaks. Every card is also validated against the live
schema: a card it rejects is reported even when no single change explains it.

Options:
  --source <name>   only this source
  --json            print {"sources": [...]} for tools

Exit code: 0 no card breaks (breaking changes no card uses are listed), 1 a card breaks,
2 bad arguments, 3 a source could not be introspected (and no card is known to break).
\`cardql check --live\` runs the same comparison after the usual checks.

Examples:
  cardql diff
  cardql diff --source billing --json`,
  async run(args, io) {
    const { values, positionals } = parse('diff', args, { source: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`diff takes no arguments, received ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
    const { isLoadFailure, loadApp } = await import('./load.ts');
    const app = await loadApp(io, { checkMapperTypes: false });
    if (isLoadFailure(app)) {
      for (const problem of app.problems) io.err(`${problem}\n`);
      io.err(`cardql diff: cannot load the cards (${app.problems.length} problem(s); run cardql check)\n`);
      return EXIT.failed;
    }
    try {
      return await diffSources(app, io, values);
    } finally {
      await app.close();
    }
  },
};

export type SourceDiff =
  | { source: string; status: 'unreachable'; reason: string }
  | { source: string; status: 'compared'; breaking: Array<{ message: string; path: string | null; cards: string[] }>; invalid: Array<{ key: string; problems: string[] }> };

/** Compares every remote source of `app` (or only `source`), prints the result, and resolves to the exit code. */
export async function diffSources(app: App, io: Io, { source, json }: { source?: string | undefined; json?: boolean | undefined }): Promise<number> {
  const [{ schemaImpact }, { fetchLiveSchema }] = await Promise.all([import('../registry/schema-impact.ts'), import('../remote/live-schema.ts')]);
  const remote = [...app.sources.values()].filter((s): s is typeof s & { config: Parameters<typeof fetchLiveSchema>[0] } => 'config' in s);
  if (source !== undefined && !remote.some((s) => s.name === source)) {
    throw new UsageError(`unknown source ${JSON.stringify(source)}: expected one of ${remote.map((s) => s.name).join(', ') || '(none declared in CARDQL_SOURCES)'}`);
  }
  const chosen = remote.filter((s) => source === undefined || s.name === source);
  const results = await Promise.all(
    chosen.map(async (s): Promise<SourceDiff> => {
      let live;
      try {
        live = await fetchLiveSchema(s.config, AbortSignal.timeout(s.config.timeoutMs));
      } catch (error) {
        return { source: s.name, status: 'unreachable', reason: error instanceof Error ? error.message : String(error) };
      }
      const cards = [...app.registry.values()].filter((card) => card.source === s.name);
      const impact = await schemaImpact(s.schema, live, cards);
      return { source: s.name, status: 'compared', breaking: impact.breaking.map((b) => ({ ...b, path: b.path ?? null })), invalid: impact.invalid };
    }),
  );
  if (json) io.out(`${JSON.stringify({ sources: results }, null, 2)}\n`);
  else io.out(describeDiffs(results));
  if (results.some((r) => r.status === 'compared' && (r.invalid.length > 0 || r.breaking.some((b) => b.cards.length > 0)))) return EXIT.failed;
  if (results.some((r) => r.status === 'unreachable')) return EXIT_UNREACHABLE;
  return EXIT.ok;
}

/** For people: per source, each breaking change and the cards it breaks, then cards broken otherwise. */
function describeDiffs(results: SourceDiff[]): string {
  if (results.length === 0) return 'no remote source declared (CARDQL_SOURCES): nothing to compare\n';
  const lines: string[] = [];
  for (const result of results) {
    if (result.status === 'unreachable') {
      lines.push(`source "${result.source}": not compared, its live schema could not be read: ${result.reason}`);
      continue;
    }
    const broken = new Set([...result.breaking.flatMap((b) => b.cards), ...result.invalid.map((c) => c.key)]);
    lines.push(`source "${result.source}": ${result.breaking.length} breaking change(s), ${broken.size} card(s) broken`);
    for (const change of result.breaking) {
      lines.push(`  ${change.message}${change.path ? ` (${change.path})` : ''}`);
      lines.push(`    breaks: ${change.cards.length ? change.cards.join(', ') : 'no card'}`);
    }
    const explained = new Set(result.breaking.flatMap((b) => b.cards));
    for (const card of result.invalid.filter((c) => !explained.has(c.key))) lines.push(`  card ${card.key} is rejected by the live schema: ${card.problems.join('; ')}`);
    if (broken.size > 0) lines.push(`  update those queries (and \`npm run schema:pull\`, \`npm run codegen\`), or ask the source to keep what they use`);
    else if (result.breaking.length > 0) lines.push(`  no card uses what changed: \`npm run schema:pull\` to pin the live schema`);
  }
  return `${lines.join('\n')}\n`;
}
