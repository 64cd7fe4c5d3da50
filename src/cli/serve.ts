// `cardql serve`: the service itself, from the sources: the entry point `npm start` runs compiled.
import { EXIT, parse, UsageError, type Command } from './args.ts';

export const serve: Command = {
  name: 'serve',
  summary: 'start the service from the sources (npm start runs it compiled)',
  help: `Usage: cardql serve

Starts cardql: loads the configuration and every card, then listens (POST /cards for Plain,
GraphiQL at /graphql). Stops gracefully on SIGTERM or SIGINT. The same service as \`npm start\`,
run from the TypeScript sources (no build; about 40 MB more memory): for development, not production.

Configuration comes from the environment; see the README's configuration table.

Examples:
  cardql serve
  PORT=8080 HOST=0.0.0.0 CARDQL_SIGNING_SECRET=... cardql serve`,
  async run(args) {
    const { positionals } = parse('serve', args, {});
    if (positionals.length > 0) throw new UsageError(`serve takes no arguments, received ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
    // src/index.ts is the entry point `npm start` runs (compiled to dist/): importing it runs exactly that.
    await import('../index.ts');
    return EXIT.ok;
  },
};
