// The process: reads the environment, builds the app, listens. The only file that touches process.env.
import { createServer } from 'node:http';
import { createServerAdapter } from '@whatwg-node/server';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { RegistryError } from './registry/registry.ts';

async function main(): Promise<void> {
  const { config, warnings } = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  for (const warning of warnings) logger.warn(warning);
  const app = await createApp(config, { logger });
  const server = createServer(createServerAdapter((request: Request) => app.fetch(request)));
  server.listen(config.port, config.host, () => {
    logger.info({ url: `http://${config.host}:${config.port}`, cards: `POST /cards`, graphiql: '/graphql' }, 'cardql listening');
  });
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => void app.close().then(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RegistryError) {
    process.stderr.write(`cardql cannot start.\n${error.message}\n`);
  } else {
    process.stderr.write(`cardql crashed while starting: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
