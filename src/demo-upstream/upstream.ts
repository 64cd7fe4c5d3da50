// The demo upstream: the demo schema served by its own graphql-yoga server, so remote mode can be tried on one machine.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { timingSafeEqual } from 'node:crypto';
import type { SqliteDatabase } from '../demo/sqlite.ts';
import type { Logger } from '../log.ts';
import { createDemoSchema } from '../demo/index.ts';
import { createLoaders } from '../demo/loaders.ts';

export type DemoUpstreamOptions = {
  db: SqliteDatabase;
  /** When set, every request must carry `Authorization: Bearer <token>` (401 otherwise). */
  token?: string | undefined;
  logger?: Logger;
};

export type DemoUpstream = YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;

/** The demo schema with fresh DataLoaders per HTTP request, at `/graphql`, like any GraphQL API a company runs. */
export function createDemoUpstream({ db, token, logger }: DemoUpstreamOptions): DemoUpstream {
  const plugins: Plugin[] = [];
  if (token) plugins.push(requireBearer(token));
  if (logger) plugins.push(logRequests(logger));
  return createYoga({
    schema: createDemoSchema(),
    context: () => ({ loaders: createLoaders(db) }),
    graphiql: false,
    landingPage: false,
    logging: false,
    plugins,
  }) as unknown as DemoUpstream;
}

export type RunningUpstream = { server: Server; url: string; close(): Promise<void> };

/** Listens on `host:port` (port 0: any free port); `url` is the GraphQL endpoint. */
export async function startDemoUpstream({ port = 4001, host = '127.0.0.1', ...options }: DemoUpstreamOptions & { port?: number; host?: string }): Promise<RunningUpstream> {
  const yoga = createDemoUpstream(options);
  const server = createServer(yoga);
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${address.port}/graphql`,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

function requireBearer(token: string): Plugin {
  const expected = Buffer.from(`Bearer ${token}`);
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const given = Buffer.from(request.headers.get('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        endResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message: 'Expected Authorization: Bearer <DEMO_UPSTREAM_TOKEN>' }] }), { status: 401, headers: { 'content-type': 'application/json' } }));
      }
    },
  };
}

/** One line per request with the ids cardql forwards, so both sides' logs can be joined. */
function logRequests(logger: Logger): Plugin {
  return {
    onRequest({ request }) {
      logger.info({ requestId: request.headers.get('x-request-id'), workspaceId: request.headers.get('plain-workspace-id'), method: request.method }, 'graphql request');
    },
  };
}
