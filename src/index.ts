// The process entry point (`npm start`): the only file that reads process.env.
import { ConfigError } from './config.ts';
import { RegistryError } from './registry/registry.ts';
import { startServer } from './server.ts';

try {
  const running = await startServer(process.env);
  const stop = (signal: string) => {
    running.app.logger.info({ signal }, 'shutting down');
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError || error instanceof RegistryError) {
    process.stderr.write(`cardql cannot start.\n${error.message}\n`);
  } else {
    process.stderr.write(`cardql crashed while starting: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
}
