// The process around the app: config from the environment, node:http on a port, shutdown on signals.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServerAdapter } from '@whatwg-node/server';
import { createApp, type App } from './app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';

export type RunningServer = { app: App; server: Server; url: string; close(): Promise<void> };

/** Loads the config from `env`, builds the app and listens. Throws ConfigError or RegistryError before listening. */
export async function startServer(env: Record<string, string | undefined>): Promise<RunningServer> {
  const { config, warnings } = loadConfig(env);
  const logger = createLogger(config.logLevel);
  for (const warning of warnings) logger.warn(warning);
  const app = await createApp(config, { logger });
  const server = createServer(createServerAdapter((request: Request) => app.fetch(request)));
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  logger.info({ url, cards: `${url}/cards`, graphiql: `${url}/graphql` }, 'cardql listening');
  return {
    app,
    server,
    url,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await closed;
      await app.close();
    },
  };
}
