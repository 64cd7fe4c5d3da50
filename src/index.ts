// The process entry point (`npm start`): the only file that reads process.env.
import { ConfigError } from './config.ts';
import { RegistryError } from './registry/registry.ts';
import { closeOnSignals, startServer } from './server.ts';

try {
  // SIGTERM (orchestrators) and SIGINT (Ctrl-C): finish in-flight requests, close the database, exit 0.
  // Run from the TypeScript sources (`npm run dev`, `cardql serve`: tsx strips types unchecked), the
  // mappers are type-checked first, as `npm start`'s build does for the compiled run.
  closeOnSignals(await startServer(process.env, { checkMapperTypes: import.meta.url.endsWith('.ts') }));
} catch (error) {
  if (error instanceof ConfigError || error instanceof RegistryError) {
    process.stderr.write(`cardql cannot start.\n${error.message}\n`);
  } else {
    process.stderr.write(`cardql crashed while starting: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
}
