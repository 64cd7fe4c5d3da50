// The process entry point (`npm start`): the only file that reads process.env.
import { ConfigError } from './config.ts';
import { RegistryError } from './registry/registry.ts';
import { closeOnSignals, startServer } from './server.ts';

try {
  // SIGTERM (orchestrators) and SIGINT (Ctrl-C): finish in-flight requests, close the database, exit 0.
  closeOnSignals(await startServer(process.env));
} catch (error) {
  if (error instanceof ConfigError || error instanceof RegistryError) {
    process.stderr.write(`cardql cannot start.\n${error.message}\n`);
  } else {
    process.stderr.write(`cardql crashed while starting: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
}
