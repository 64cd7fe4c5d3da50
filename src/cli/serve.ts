// `cardql serve`: the service itself, the very entry point `npm start` runs.
import { EXIT, parse, UsageError, type Command } from './args.ts';

export const serve: Command = {
  name: 'serve',
  summary: 'start the service (what `npm start` runs)',
  help: `Usage: cardql serve

Starts cardql: loads the configuration and every card, then listens (POST /cards for Plain,
GraphiQL at /graphql). Stops gracefully on SIGTERM or SIGINT. The same as \`npm start\`.

Configuration comes from the environment; see the README's configuration table.

Examples:
  cardql serve
  PORT=8080 HOST=0.0.0.0 CARDQL_SIGNING_SECRET=... cardql serve`,
  async run(args) {
    const { positionals } = parse('serve', args, {});
    if (positionals.length > 0) throw new UsageError(`serve takes no arguments, received ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
    // src/index.ts is the process entry point `npm start` runs: importing it runs exactly that.
    await import('../index.ts');
    return EXIT.ok;
  },
};
