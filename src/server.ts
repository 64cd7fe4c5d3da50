// The process around the app: config from the environment, node:http on a port, shutdown on signals.
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServerAdapter } from '@whatwg-node/server';
import { createApp, type App, type AppOverrides } from './app.ts';
import { createNodeCardsRoute, isCardsPath } from './http/node-cards.ts';
import { answerClientError, answerConnect, answerExpectation, checkTarget, refuse } from './http/node-edge.ts';
import { ConfigError, describeExposure, loadConfig } from './config.ts';
import { startTracing } from './tracing/sdk.ts';
import { createLogger } from './log.ts';
import { watchCards } from './live-reload.ts';
import type { TypeCheckMemory } from './registry/mapper-types.ts';

export type RunningServer = {
  app: App;
  server: Server;
  url: string;
  /**
   * Graceful shutdown: /readyz turns 503, the port stops accepting connections, in-flight requests
   * finish (for at most the deadline + 1 s, after which the remaining connections are cut), then the
   * database closes. Connections with no request in flight (idle keep-alive ones, and silent ones
   * that never sent a request) are closed at once. Resolves with how many connections had to be cut
   * when the grace period ran out (0 when everything finished). Calling it again returns the same shutdown.
   */
  close(): Promise<ShutdownReport>;
};

export type ShutdownReport = { cutConnections: number };

/**
 * How long an idle keep-alive connection stays open: longer than clients keep theirs (undici 4 s,
 * load balancers typically 60 s), so that the client, not the server, closes an idle connection.
 * With Node's 5 s a client could send a request on a connection the server had just closed
 * ("fetch failed" / a load balancer's 502): the race behind fuzz-http's occasional failure under load.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Plain gives up after 15 s: a request still arriving by then is not worth waiting for. */
const REQUEST_TIMEOUT_MS = 15_000;

export type ServerOverrides = Omit<AppOverrides, 'logger'> & {
  /** Time a client has to send a whole request before it gets 408. Default 15 s; shorter in tests. */
  requestTimeoutMs?: number;
  /** Where log lines go; default standard output (tests capture them). */
  logDestination?: Parameters<typeof createLogger>[1];
  /**
   * `cardql dev`: reload the cards in process when a stored query or a mapper changes (src/live-reload.ts).
   * Ignored, with a warning, when NODE_ENV=production.
   */
  liveReload?: boolean;
};

/**
 * Loads the config from `env`, builds the app and listens. Throws ConfigError or RegistryError
 * before listening. `overrides` replace parts of the app (tests, the soak script).
 */
export async function startServer(env: Record<string, string | undefined>, { requestTimeoutMs = REQUEST_TIMEOUT_MS, logDestination, liveReload = false, ...overrides }: ServerOverrides = {}): Promise<RunningServer> {
  const { config, warnings } = loadConfig(env);
  const logger = createLogger(config.logLevel, logDestination);
  for (const warning of warnings) logger.warn(warning);
  // Before the app: sources and the pipeline look once, at creation, whether to make spans.
  const tracing = config.tracing ? await startTracing(config.tracing) : undefined;
  if (config.tracing) logger.info({ exporter: config.tracing.exporter, serviceName: config.tracing.serviceName }, 'OpenTelemetry tracing on');
  // `cardql dev` type-checks the mappers after each reload, reusing what the startup check parsed.
  const typeCheckMemory: TypeCheckMemory | undefined = liveReload ? {} : undefined;
  const app = await createApp(config, { ...overrides, logger, ...(typeCheckMemory && { typeCheckMemory }) });
  app.metrics.collectProcessMetrics();
  const handle = createServerAdapter((request: Request) => app.fetch(request));
  // POST /cards, the hot path, is served without web Request/Response objects; every other route goes through app.fetch.
  const serveCards = createNodeCardsRoute({ answer: app.answerCards, logger, onAnswered: (status, ms) => app.metrics.httpRequest('/cards', status, ms) });
  const inFlight = new Set<ServerResponse>();
  // Every open connection, and how many of its requests are in flight: server.closeIdleConnections()
  // leaves a connection that never sent a request open, and it would hold the shutdown for the grace period.
  const connections = new Map<Socket, number>();
  let closing: Promise<ShutdownReport> | undefined;
  // Node reads these once, at construction (setting `server.requestTimeout` later has no effect); the
  // check runs every second, so a stalled request is cut within a second of its timeout.
  // requireHostHeader: false, so that a request without Host gets cardql's JSON 400, not Node's empty one.
  const server = createServer({ requestTimeout: requestTimeoutMs, connectionsCheckingInterval: 1_000, requireHostHeader: false }, (request, response) => {
    const socket = request.socket;
    inFlight.add(response);
    connections.set(socket, (connections.get(socket) ?? 0) + 1);
    response.once('close', () => {
      inFlight.delete(response);
      const left = (connections.get(socket) ?? 1) - 1;
      if (connections.has(socket)) connections.set(socket, left);
      // A keep-alive connection whose last request just ended must not hold the shutdown open.
      if (closing && left === 0) setImmediate(() => closeIfIdle(socket));
    });
    if (closing) response.setHeader('connection', 'close');
    const refused = checkTarget(request);
    if (refused) return refuse(request, response, refused, record, logger);
    void (isCardsPath(request.url) ? serveCards(request, response) : handle(request, response));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('connection', (socket: Socket) => {
    connections.set(socket, 0);
    socket.once('close', () => connections.delete(socket));
    // Accepted in the moment between the signal and the listening socket closing: nobody waits on it.
    if (closing) setImmediate(() => closeIfIdle(socket));
  });
  const record = app.metrics.httpRequest;
  server.on('checkContinue', (request, response) => {
    response.writeContinue();
    server.emit('request', request, response);
  });
  server.on('checkExpectation', (request, response) => answerExpectation(request, response, record, logger));
  server.on('connect', (_request, socket: Duplex) => answerConnect(socket as Socket, record, logger));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket as Socket, record, logger));
  // Before the port opens, so that no Plain request is the first to run a path (docs/operations.md).
  const warmed = await app.warmUp();
  logger.debug(warmed, 'warmed up: the paths of POST /cards ran once on stand-in sources');
  server.listen(config.port, config.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    await app.close();
    throw listenError(error as NodeJS.ErrnoException, config.host, config.port);
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  logger.info({ url, cards: `${url}/cards`, graphiql: `${url}/graphql`, exposed: describeExposure(config) }, 'cardql listening');
  if (liveReload && config.production) logger.warn('live reload is for development: not watching the cards with NODE_ENV=production');
  const watcher = liveReload && !config.production ? watchCards({ app, queriesDir: config.queriesDir, cardsDir: config.cardsDir, typeCheckMemory }) : undefined;
  // In the background: a slow source's introspection must not hold the port closed.
  void app.checkDrift();
  return {
    app,
    server,
    url,
    close() {
      closing ??= drain(config.deadlineMs + 1000);
      return closing;
    },
  };

  /** Ends a connection with no request in flight; its response (if any) was already written in full. */
  function closeIfIdle(socket: Socket): void {
    if (connections.get(socket) !== 0) return;
    // Bytes of a last response still queued are flushed first, then the socket is destroyed (as Node
    // does after `connection: close`), whatever the client does with its side.
    socket.destroySoon();
  }

  async function drain(graceMs: number): Promise<ShutdownReport> {
    app.beginShutdown();
    watcher?.close();
    const pending = inFlight.size;
    logger.info({ inFlight: pending, graceMs }, 'shutting down: no new connections, finishing in-flight requests');
    // Responses not yet started tell their client to reconnect elsewhere rather than reuse this connection.
    for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of connections.keys()) closeIfIdle(socket);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace over'>((resolve) => {
      timer = setTimeout(() => resolve('grace over'), graceMs);
    });
    let cutConnections = 0;
    if ((await Promise.race([closed, graceOver])) === 'grace over') {
      cutConnections = connections.size;
      logger.warn({ unfinished: inFlight.size, graceMs }, 'shutdown grace period over: cutting the remaining connections');
      server.closeAllConnections();
      for (const socket of connections.keys()) socket.destroy();
      await closed;
    }
    clearTimeout(timer);
    await app.close();
    await tracing?.shutdown();
    logger.info({ finished: pending }, 'shutdown complete');
    return { cutConnections };
  }
}

/** A port that cannot be listened on is a configuration problem: one line saying which and what to do, not a stack. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (error.code === 'EADDRINUSE') return new ConfigError([`PORT: expected a free port, received ${port}: ${where} is already in use (another cardql? stop it or set PORT)`]);
  if (error.code === 'EACCES') return new ConfigError([`PORT: expected a port this user may listen on, received ${port} (ports below 1024 need privileges: set PORT)`]);
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') return new ConfigError([`HOST: expected an address of this machine, received ${JSON.stringify(host)} (${error.code})`]);
  return error;
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
