// `cardql check`: loads every card exactly as startup does and lists each problem as file:line: message.
import { EXIT, parse, UsageError, type Command } from './args.ts';

export const check: Command = {
  name: 'check',
  summary: 'validate every stored query, mapper, layout hint and source, as startup does',
  help: `Usage: cardql check

Loads the configuration and every card exactly as \`cardql serve\` does at startup, without
listening: each stored query is parsed and validated against its source's schema, each mapper
is loaded and checked, each layout hint is checked, each source declaration is read.
Prints every problem as \`file:line: message\` and exits 1 when there is any, 0 when there is none.

Configuration comes from the environment (CARDQL_QUERIES_DIR, CARDQL_CARDS_DIR, CARDQL_SOURCES, ...).

Examples:
  cardql check
  CARDQL_QUERIES_DIR=my-cards/queries CARDQL_CARDS_DIR=my-cards/mappers cardql check`,
  async run(args, io) {
    const { positionals } = parse('check', args, {});
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
      io.out(
        `ok: ${cards.length} card(s), ${cards.length - automatic} with a mapper and ${automatic} laid out automatically, ` +
          `on source(s) ${[...loaded.sources.keys()].join(', ')}\n`,
      );
      return EXIT.ok;
    } finally {
      await loaded.close();
    }
  },
};
