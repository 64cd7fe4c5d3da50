// The process entry point (`npm start`): the only file that reads process.env.
import { ConfigError, loadConfig } from './config.ts';
import { nextEdit } from './live-reload.ts';
import { RegistryError } from './registry/registry.ts';
import { closeOnSignals, startServer } from './server.ts';

// Set by `cardql dev` (src/cli/dev.ts) only: the cards reload in process after an edit.
const liveReload = process.env.CARDQL_LIVE_RELOAD === '1';

for (let attempt = 0; ; attempt++) {
  try {
    // SIGTERM (orchestrators) and SIGINT (Ctrl-C): finish in-flight requests, close the database, exit 0.
    // Run from the TypeScript sources (`npm run dev`, `cardql serve`: tsx strips types unchecked), the
    // mappers are type-checked first, as `npm start`'s build does for the compiled run.
    closeOnSignals(await startServer(process.env, { checkMapperTypes: import.meta.url.endsWith('.ts'), liveReload, freshMappers: attempt > 0 }));
    break;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RegistryError) {
      process.stderr.write(`cardql cannot start.\n${error.message}\n`);
    } else {
      process.stderr.write(`cardql crashed while starting: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
    if (!(liveReload && error instanceof RegistryError)) process.exit(1);
    // `cardql dev` does not restart for an edit of a card (it reloads it): it starts again here.
    process.stderr.write('Waiting for an edit of a stored query or a mapper to start again.\n');
    const { config } = loadConfig(process.env);
    await nextEdit({ queriesDir: config.queriesDir, cardsDir: config.cardsDir });
  }
}
