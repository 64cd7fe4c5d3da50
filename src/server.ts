// The process around the app: config from the environment, node:http on a port, shutdown on signals.
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServerAdapter } from '@whatwg-node/server';
import { createApp, type App, type AppOverrides } from './app.ts';
import { createNodeCardsRoute, isCardsPath } from './http/node-cards.ts';
import { answerClientError, answerConnect, answerExpectation, checkTarget, refuse } from './http/node-edge.ts';
import { describeExposure, loadConfig } from './config.ts';
import { startTracing } from './tracing/sdk.ts';
import { createLogger } from './log.ts';

export type RunningServer = {
  app: App;
  server: Server;
  url: string;
  /**
   * Graceful shutdown: /readyz turns 503, the port stops accepting connections, in-flight requests
   * finish (for at most the deadline + 1 s, after which the remaining connections are cut), then the
   * database closes. Calling it again returns the same shutdown.
   */
  close(): Promise<void>;
};

/** Plain gives up after 15 s: a request still arriving by then is not worth waiting for. */
const REQUEST_TIMEOUT_MS = 15_000;

export type ServerOverrides = Omit<AppOverrides, 'logger'> & {
  /** Time a client has to send a whole request before it gets 408. Default 15 s; shorter in tests. */
  requestTimeoutMs?: number;
  /** Where log lines go; default standard output (tests capture them). */
  logDestination?: Parameters<typeof createLogger>[1];
};

/**
 * Loads the config from `env`, builds the app and listens. Throws ConfigError or RegistryError
 * before listening. `overrides` replace parts of the app (tests, the soak script).
 */
export async function startServer(env: Record<string, string | undefined>, { requestTimeoutMs = REQUEST_TIMEOUT_MS, logDestination, ...overrides }: ServerOverrides = {}): Promise<RunningServer> {
  const { config, warnings } = loadConfig(env);
  const logger = createLogger(config.logLevel, logDestination);
  for (const warning of warnings) logger.warn(warning);
  // Before the app: sources and the pipeline look once, at creation, whether to make spans.
  const tracing = config.tracing ? await startTracing(config.tracing) : undefined;
  if (config.tracing) logger.info({ exporter: config.tracing.exporter, serviceName: config.tracing.serviceName }, 'OpenTelemetry tracing on');
  const app = await createApp(config, { ...overrides, logger });
  app.metrics.collectProcessMetrics();
  const handle = createServerAdapter((request: Request) => app.fetch(request));
  // POST /cards, the hot path, is served without web Request/Response objects; every other route goes through app.fetch.
  const serveCards = createNodeCardsRoute({ answer: app.answerCards, logger, onAnswered: (status, ms) => app.metrics.httpRequest('/cards', status, ms) });
  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;
  // Node reads these once, at construction (setting `server.requestTimeout` later has no effect); the
  // check runs every second, so a stalled request is cut within a second of its timeout.
  // requireHostHeader: false, so that a request without Host gets cardql's JSON 400, not Node's empty one.
  const server = createServer({ requestTimeout: requestTimeoutMs, connectionsCheckingInterval: 1_000, requireHostHeader: false }, (request, response) => {
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      // A keep-alive connection whose last request just ended must not hold the shutdown open.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    if (closing) response.setHeader('connection', 'close');
    const refused = checkTarget(request);
    if (refused) return refuse(request, response, refused, record, logger);
    void (isCardsPath(request.url) ? serveCards(request, response) : handle(request, response));
  });
  const record = app.metrics.httpRequest;
  server.on('checkContinue', (request, response) => {
    response.writeContinue();
    server.emit('request', request, response);
  });
  server.on('checkExpectation', (request, response) => answerExpectation(request, response, record, logger));
  server.on('connect', (_request, socket: Duplex) => answerConnect(socket as Socket, record, logger));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket as Socket, record, logger));
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  logger.info({ url, cards: `${url}/cards`, graphiql: `${url}/graphql`, exposed: describeExposure(config) }, 'cardql listening');
  return {
    app,
    server,
    url,
    close() {
      closing ??= drain(config.deadlineMs + 1000);
      return closing;
    },
  };

  async function drain(graceMs: number): Promise<void> {
    app.beginShutdown();
    const pending = inFlight.size;
    logger.info({ inFlight: pending, graceMs }, 'shutting down: no new connections, finishing in-flight requests');
    // Responses not yet started tell their client to reconnect elsewhere rather than reuse this connection.
    for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace over'>((resolve) => {
      timer = setTimeout(() => resolve('grace over'), graceMs);
    });
    if ((await Promise.race([closed, graceOver])) === 'grace over') {
      logger.warn({ unfinished: inFlight.size, graceMs }, 'shutdown grace period over: cutting the remaining connections');
      server.closeAllConnections();
      await closed;
    }
    clearTimeout(timer);
    await app.close();
    await tracing?.shutdown();
    logger.info({ finished: pending }, 'shutdown complete');
  }
}

/**
 * Wires SIGTERM and SIGINT to a graceful `close()`, then exits 0 (1 if closing failed). A second
 * signal during the shutdown gets Node's default: immediate exit.
 */
export function closeOnSignals(running: RunningServer, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  const stop = (signal: NodeJS.Signals) => {
    running.app.logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.once(signal, stop);
}
