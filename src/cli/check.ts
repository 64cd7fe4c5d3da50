// `cardql check`: loads every card exactly as startup does and lists each problem as file:line: message.
import { EXIT, parse, UsageError, type Command } from './args.ts';

export const check: Command = {
  name: 'check',
  summary: 'validate every stored query, mapper, layout hint and source, as startup does',
  help: `Usage: cardql check [--strict] [--live]

Loads the configuration and every card exactly as \`cardql serve\` does at startup, without
listening: each stored query is parsed and validated against its source's schema, each mapper
is loaded and checked, each layout hint is checked, each source declaration is read.
Prints every problem as \`file:line: message\` and exits 1 when there is any, 0 when there is none.
Warnings (\`file:line: warning: message\`: a layout hint next to a mapper, which has no effect; a
variable Plain leaves null for some customers, passed where a value is required) do not change
the exit code, unless --strict.

Options:
  --strict     exit 1 on warnings too
  --live       then compare each remote source's pinned schema with its live one, as
               \`cardql diff\` does (exit 1 when a card breaks, 3 when a source cannot be read)

Configuration comes from the environment (CARDQL_QUERIES_DIR, CARDQL_CARDS_DIR, CARDQL_SOURCES, ...).

Examples:
  cardql check
  cardql check --strict
  cardql check --live
  CARDQL_QUERIES_DIR=my-cards/queries CARDQL_CARDS_DIR=my-cards/mappers cardql check`,
  async run(args, io) {
    const { values, positionals } = parse('check', args, { strict: { type: 'boolean' }, live: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`check takes no arguments, received ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
    // Loaded on demand, so that --help and usage errors answer without building the app.
    const { isLoadFailure, loadApp } = await import('./load.ts');
    const loaded = await loadApp(io);
    if (isLoadFailure(loaded)) {
      for (const problem of loaded.problems) io.out(`${problem}\n`);
      const what = loaded.kind === 'config' ? 'in the configuration' : 'in the stored cards';
      io.err(`cardql check: ${loaded.problems.length} problem(s) ${what}\n`);
      return EXIT.failed;
    }
    try {
      const cards = [...loaded.registry.values()];
      const automatic = cards.filter((card) => card.layout === 'automatic').length;
      for (const warning of loaded.warnings) io.out(`${warning}\n`);
      const warned = loaded.warnings.length ? `, ${loaded.warnings.length} warning(s)` : '';
      io.out(
        `ok: ${cards.length} card(s), ${cards.length - automatic} with a mapper and ${automatic} laid out automatically, ` +
          `on source(s) ${[...loaded.sources.keys()].join(', ')}${warned}\n`,
      );
      if (values.strict && loaded.warnings.length) {
        io.err(`cardql check: ${loaded.warnings.length} warning(s), and --strict\n`);
        return EXIT.failed;
      }
      if (values.live) {
        const { diffSources } = await import('./diff.ts');
        return await diffSources(loaded, io, {});
      }
      return EXIT.ok;
    } finally {
      await loaded.close();
    }
  },
};
