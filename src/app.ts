// The composition root: builds the whole service from a config and returns a fetch handler. Never listens.
import { randomUUID } from 'node:crypto';
import type { Config } from './config.ts';
import { LOCAL_SOURCE, type RequestScope, type Source } from './execution/executor.ts';
import { buildLocalSchema, createLocalSource, type LocalData } from './execution/local.ts';
import { checkDrift, type DriftReport } from './remote/drift.ts';
import { forwardToSource } from './remote/explorer.ts';
import { createRemoteSources } from './remote/pinned-schemas.ts';
import { createAdminGate, createMetricsGate, type Gate } from './http/admin-gate.ts';
import { createCardsHandler, type CardsHandler } from './http/cards-handler.ts';
import { createExplorer, graphiqlAssetRoutes, jsonErrors } from './http/explorer.ts';
import { HttpError } from './http/http-error.ts';
import { checkMethod, errorResponse } from './http/respond.ts';
import type { Route } from './http/route.ts';
import { openLocalData } from './local-data.ts';
import { createLogger, type Logger } from './log.ts';
import { createHome } from './preview/home.ts';
import { createPreview } from './preview/preview-handler.ts';
import { checkMapperTypes, type TypeCheckMemory } from './registry/mapper-types.ts';
import { loadRegistry, RegistryError, type Registry } from './registry/registry.ts';
import { cardTabOptions, cardTabs } from './registry/explorer-tabs.ts';
import type { CardsRequest } from './plain/cards-request.ts';
import { resolveCards, type Resolution } from './resolve/resolve-cards.ts';
import { adaptiveMargin } from './resolve/response-margin.ts';
import type { Telemetry } from './telemetry.ts';
import { createMetrics, teeTelemetry, type Metrics } from './metrics/metrics.ts';
import { createMetricsRoute } from './metrics/metrics-route.ts';
import { checkReadiness } from './health/readiness.ts';
import { createSourceHealth, createSourceLog } from './health/source-health.ts';
import { createFleetMetrics } from './metrics/fleet-metrics.ts';
import { traceCardsRequest, tracedSource } from './resolve/traced.ts';
import { tracingEnabled } from './tracing/tracing.ts';
import type { SourceGuardEvents } from './remote/breaker.ts';
import { createLastGood, type LastGood } from './stale/last-good.ts';
import type { RedisStoreEvents } from './stale/redis-store.ts';
import { createMemoryStore, type StaleStore } from './stale/stale-store.ts';
import { createReadyzRoute, handleHealthz } from './health/health-routes.ts';
import { warmUp, type WarmUpReport } from './warm-up.ts';

export type App = {
  /** Web-standard handler: `app.fetch(new Request(...))` in tests, wrapped by node:http in index.ts. */
  fetch(request: Request): Promise<Response>;
  /**
   * Runs the cards of one Plain request through the whole pipeline (queries, mappers, deadline,
   * validation), without HTTP: what `POST /cards` answers, and what the preview and CLI show.
   */
  resolve(request: CardsRequest, scope?: { requestId?: string; workspaceId?: string | null; receivedAt?: number }): Promise<Resolution>;
  /** POST /cards without web Request/Response objects: server.ts serves the hot path on node:http with it. */
  answerCards: CardsHandler['answer'];
  /** The cards being served: a new map after each successful `reloadCards()`. */
  readonly registry: Registry;
  /**
   * Reads every card from disk again (mappers re-imported as they are now) and, when all load, serves
   * them from the next request on (requests in flight finish on the previous cards) and gives the
   * preview a new live version. When any card fails, the previous cards keep serving and the problems
   * (`file:line: message`, as at startup) are returned. For `cardql dev` (src/live-reload.ts).
   */
  reloadCards(): Promise<CardsReload>;
  /** What loads but may not do what its author meant, `file:line: warning: message` (`cardql check` lists them). */
  warnings: readonly string[];
  sources: ReadonlyMap<string, Source>;
  /** The in-process data cards run on unless they name a remote source (src/execution/local.ts); null with CARDQL_LOCAL_SOURCE=none. */
  local: LocalData | null;
  logger: Logger;
  /** This app's Prometheus registry (GET /metrics) and the telemetry feeding it. */
  metrics: Metrics;
  /**
   * Compares each remote source's live schema with its pinned one and logs what breaks (started
   * once, after the server listens: never on the way to serving). Every call returns the same check.
   */
  checkDrift(): Promise<DriftReport[]>;
  /**
   * Runs every path of POST /cards once on stand-in sources (no source called, nothing logged or
   * counted) and prepares the stored queries: server.ts calls it before listening (src/warm-up.ts).
   */
  warmUp(): Promise<WarmUpReport>;
  /** From now on /readyz answers 503, so that load balancers send new work elsewhere; requests are still served. */
  beginShutdown(): void;
  /** Releases the in-process data (its database) when the app opened it; in-flight requests should be finished first. */
  close(): Promise<void>;
};

export type CardsReload = { ok: true; cards: string[]; warnings: readonly string[] } | { ok: false; problems: readonly string[] };

export type AppOverrides = {
  logger?: Logger;
  /** The in-process data instead of the one CARDQL_LOCAL_SOURCE names (null: none); the caller closes it. */
  local?: LocalData | null;
  /** Replaces or adds sources; the in-process one is named `local`. */
  sources?: Source[];
  telemetry?: Telemetry;
  /**
   * Type-check the TypeScript mappers before loading them (default false): for cardql run from the
   * sources (`cardql check`, `render`, `serve`, `npm run dev`), where tsx strips types unchecked.
   * `npm start` needs none: its build fails on a type error.
   */
  checkMapperTypes?: boolean;
  /** What the startup type-check leaves for the next ones (`cardql dev` checks again after each reload). */
  typeCheckMemory?: TypeCheckMemory;
  /** Import the mappers as they are on disk now even if this process imported them before (`cardql dev` retrying a failed start). */
  freshMappers?: boolean;
  /** Replaces the store of last good cards that the config would build (tests). */
  staleStore?: StaleStore;
};

/**
 * Opens the in-process data (by default the demo: its database created and seeded on first start), loads and validates every stored card, and wires
 * the routes. Throws `RegistryError` listing every broken card before anything can be served.
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  // The composition root is the one place that chooses the data (src/local-data.ts); the engine knows only `LocalData`.
  const local = overrides.local !== undefined ? overrides.local : await openLocalData(config, logger);
  const schema = local && buildLocalSchema(local);
  const sources = new Map<string, Source>();
  if (local && schema) {
    sources.set(LOCAL_SOURCE, createLocalSource({ schema, createContext: local.createContext.bind(local), ready: local.ready?.bind(local) }));
  }
  // Before any other source exists, so that remote sources can report upstream requests to it.
  // Label values are looked up in the live registry and sources at each event: only configured names.
  const metrics = createMetrics({ cards: { has: (key) => registry.has(key) }, sources });
  const fleetMetrics = createFleetMetrics(metrics.registry, sources);
  const telemetry = overrides.telemetry ? teeTelemetry(metrics.telemetry, overrides.telemetry) : metrics.telemetry;
  // Remote sources from CARDQL_SOURCES, each with its pinned schema (docs/remote-sources.md).
  const guardEvents: SourceGuardEvents = {
    circuit(source, state) {
      fleetMetrics.sourceGuard.circuit(source, state);
      if (state === 'open') logger.warn({ source, circuit: state }, 'source circuit breaker open: its cards fail fast (stale when known) until a probe succeeds');
      else logger.info({ source, circuit: state }, state === 'closed' ? 'source circuit breaker closed: the source answers again' : 'source circuit breaker half-open: probing the source');
    },
    rejected: fleetMetrics.sourceGuard.rejected,
  };
  const { sources: remoteSources, warnings } = createRemoteSources(config, { telemetry, guardEvents });
  for (const warning of warnings) logger.warn(warning);
  for (const source of remoteSources) sources.set(source.name, source);
  // Every configured source's breaker is in the metrics from the start, closed.
  for (const source of remoteSources) fleetMetrics.sourceGuard.circuit(source.name, 'closed');
  for (const source of overrides.sources ?? []) sources.set(source.name, source);
  const types = overrides.checkMapperTypes ? await checkMapperTypes(config.cardsDir, process.cwd(), overrides.typeCheckMemory) : { problems: [] };
  if (types.skipped) logger.warn(types.skipped);
  let cardWarnings: string[] = [];
  let registry = await loadRegistry({ queriesDir: config.queriesDir, cardsDir: config.cardsDir, sources, problems: types.problems, warn: (warning) => cardWarnings.push(warning), freshMappers: overrides.freshMappers }).catch(async (error: unknown) => {
    if (overrides.local === undefined) await local?.close?.();
    throw error;
  });
  for (const warning of cardWarnings) logger.warn({ warning }, 'card warning');
  logger.info({ cards: [...registry.keys()], sources: [...sources.keys()] }, 'cards loaded');
  let drift: Promise<DriftReport[]> | undefined;

  let shuttingDown = false;

  // With tracing on, each card's execution on its source is a span (a child of the card's).
  const executing = tracingEnabled() ? new Map([...sources].map(([name, source]) => [name, tracedSource(source)])) : sources;
  const lastGood = await createStaleCards(config, { registry: { get: (key) => registry.get(key) }, logger, store: overrides.staleStore, events: fleetMetrics.staleStore });
  // A shared store's lookup takes its time from the deadline, so that the answer still leaves within it.
  const cardsDeadlineMs = config.deadlineMs - (lastGood?.store.kind === 'redis' ? (config.stale?.redis?.timeoutMs ?? 0) : 0);
  const optional: Record<string, () => string | undefined> =
    lastGood?.store.kind === 'redis' ? { 'stale-store': () => lastGood.store.problem() } : {};
  // The in-process data is part of this process: a readiness check. Every other source is reported, never failing it.
  const sourceHealth = createSourceHealth({ sources: new Map([...sources].filter(([name]) => name !== LOCAL_SOURCE)), logger });
  metrics.reportSourceHealth(() => sourceHealth.current());
  const localLog = createSourceLog(logger);
  const readiness = () => checkReadiness({ local: sources.get(LOCAL_SOURCE), registry, shuttingDown: () => shuttingDown, sourceHealth, localLog, optional });
  // Grows while the deadline's timers fire late (answers due together queue; a loaded machine): docs/operations.md.
  const margin = adaptiveMargin(() => performance.now());
  const resolveAll = async (request: CardsRequest, requestId: string, workspaceId: string | null, receivedAt: number | undefined): Promise<Resolution> => {
    const resolution = await resolveCards({ registry, sources: executing, request, requestId, workspaceId, deadlineMs: cardsDeadlineMs, margin, ...(receivedAt !== undefined && { receivedAt }) });
    if (!lastGood) return resolution;
    return { ...resolution, results: await lastGood.settle(resolution.results, request, workspaceId) };
  };
  const resolve: App['resolve'] = (request, { requestId = randomUUID(), workspaceId = null, receivedAt } = {}) =>
    tracingEnabled()
      ? traceCardsRequest(request, requestId, workspaceId, () => resolveAll(request, requestId, workspaceId, receivedAt))
      : resolveAll(request, requestId, workspaceId, receivedAt);
  const cards = createCardsHandler({ config, resolve, logger, telemetry });
  const adminGate = createAdminGate(config.admin);
  const metricsGate = createMetricsGate(config.metrics);
  const { origins } = config.admin;

  /** Exact paths only; the router checks the method (one check for every route) and the handler answers or throws an HttpError. */
  const gated = (gate: Gate, route: Route): Route => ({ methods: route.methods, handle: (request) => (gate(request), route.handle(request)) });
  const GRAPHQL_METHODS = ['GET', 'POST', 'OPTIONS'];
  const routes = new Map<string, Route>([
    // The cards handler checks its method itself: it is also served straight on node:http (node-cards.ts).
    ['/cards', { methods: ANY_METHOD, handle: cards.fetch }],
    ['/metrics', gated(metricsGate, { methods: ['GET'], handle: createMetricsRoute({ metrics }) })],
    ['/healthz', { methods: ['GET'], handle: handleHealthz }],
    ['/readyz', { methods: ['GET'], handle: createReadyzRoute(readiness) }],
  ]);
  // GraphiQL on the in-process data, when there is any (none with CARDQL_LOCAL_SOURCE=none).
  if (local && schema) {
    const explorer = createExplorer({
      schema,
      endpoint: '/graphql',
      title: 'cardql: in-process data',
      context: () => local.createContext(explorerScope()),
      logger,
      origins,
      pageOptions: (request) => cardTabOptions(cardTabs(registry, LOCAL_SOURCE), request),
    });
    routes.set('/graphql', gated(adminGate, { methods: GRAPHQL_METHODS, handle: (request) => jsonErrors(explorer.fetch(request)) }));
  }
  // One GraphiQL per remote source, behind the same gate: the data cards on that source see.
  for (const source of remoteSources) {
    const endpoint = `/graphql/${source.name}`;
    const remote = createExplorer({
      schema: source.schema,
      endpoint,
      title: `cardql: source "${source.name}"`,
      context: () => ({}),
      logger,
      plugins: [forwardToSource(source)],
      origins,
      pageOptions: (request) => cardTabOptions(cardTabs(registry, source.name), request),
    });
    routes.set(endpoint, gated(adminGate, { methods: GRAPHQL_METHODS, handle: (request) => jsonErrors(remote.fetch(request)) }));
  }
  // Pages for people, behind GraphiQL's gate: GraphiQL's own files (no CDN) and the card preview.
  // Outside production the preview follows the cards: a new version at each reload (and each process).
  let liveVersion = randomUUID();
  const preview = createPreview({
    resolve,
    cardKeys: () => [...registry.keys()],
    findCustomer: local?.findCustomer?.bind(local),
    suggestedEmails: local?.previewEmails ?? [],
    logger,
    liveVersion: config.production ? undefined : () => liveVersion,
  });
  for (const [path, route] of [...graphiqlAssetRoutes(), ...preview]) routes.set(path, gated(adminGate, route));
  // Outside production, whoever opens cardql's address in a browser is shown the way to the preview and GraphiQL.
  if (!config.production) {
    const names = [...(local && schema ? [LOCAL_SOURCE] : []), ...remoteSources.map((s) => s.name)];
    const graphiql = Object.fromEntries(names.map((name) => [name, name === LOCAL_SOURCE ? '/graphql' : `/graphql/${name}`]));
    routes.set('/', { methods: ['GET'], handle: createHome(() => ({ preview: '/preview', graphiql, cards: '/cards' })) });
  }

  /**
   * Every request answered in JSON when it fails, and counted under its route or `unmatched`: never
   * the raw path, which a caller controls. Never throws.
   */
  async function fetch(request: Request): Promise<Response> {
    const started = performance.now();
    const { route, response } = await routeRequest(request);
    metrics.httpRequest(route, response.status, performance.now() - started);
    return response;
  }

  async function routeRequest(request: Request): Promise<{ route: string; response: Response }> {
    let label = 'unmatched';
    try {
      const pathname = pathOf(request.url);
      const route = routes.get(pathname);
      if (!route) throw new HttpError(404, 'NOT_FOUND', "No such route: Plain's card endpoint is POST /cards");
      label = pathname;
      if (route.methods !== ANY_METHOD) checkMethod(request.method, route.methods);
      return { route: label, response: await route.handle(request) };
    } catch (error) {
      const reference = randomUUID();
      if (!(error instanceof HttpError)) logger.error({ err: error, route: label, reference }, 'unhandled error');
      return { route: label, response: errorResponse(error, {}, reference) };
    }
  }

  return {
    fetch,
    resolve,
    answerCards: cards.answer,
    get registry() {
      return registry;
    },
    async reloadCards() {
      const warnings: string[] = [];
      let next: Registry;
      try {
        next = await loadRegistry({ queriesDir: config.queriesDir, cardsDir: config.cardsDir, sources, warn: (warning) => warnings.push(warning), freshMappers: true });
      } catch (error) {
        return { ok: false, problems: error instanceof RegistryError ? error.problems : [String(error)] };
      }
      registry = next;
      cardWarnings = warnings;
      liveVersion = randomUUID();
      for (const warning of warnings) logger.warn({ warning }, 'card warning');
      return { ok: true, cards: [...next.keys()], warnings };
    },
    get warnings() {
      return cardWarnings;
    },
    sources,
    local,
    logger,
    metrics,
    checkDrift() {
      drift ??= checkDrift({ sources: remoteSources, registry, logger });
      return drift;
    },
    warmUp: () => warmUp({ registry, sources, remote: remoteSources }),
    beginShutdown() {
      shuttingDown = true;
    },
    async close() {
      shuttingDown = true;
      await lastGood?.store.close();
      if (overrides.local === undefined) await local?.close?.();
    },
  };
}

/** The `/cards` route's marker: its handler checks the method, as the node:http door needs it to. */
const ANY_METHOD: readonly string[] = [];

/** The path of a request URL; a URL that does not parse (a garbage target) is a 400, not a crash. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    throw new HttpError(400, 'INVALID_TARGET', 'Expected a request target such as /cards');
  }
}

/** A GraphiQL request's scope: not a Plain request, so no workspace and nothing to abort it. */
function explorerScope(): RequestScope {
  return { requestId: randomUUID(), workspaceId: null, signal: NEVER_ABORTED };
}

const NEVER_ABORTED = new AbortController().signal;

/** Last good cards per the config: on Redis with REDIS_URL, in process otherwise, none when turned off. */
async function createStaleCards(
  config: Config,
  { registry, logger, store, events }: { registry: Pick<Registry, 'get'>; logger: Logger; store: StaleStore | undefined; events: RedisStoreEvents | undefined },
): Promise<LastGood | undefined> {
  const stale = config.stale;
  if (!stale) return undefined;
  const maxAgeMs = stale.maxAgeSeconds * 1000;
  // ioredis is loaded only with REDIS_URL: a few MB of heap otherwise.
  const chosen =
    store ??
    (stale.redis
      ? (await import('./stale/redis-store.ts')).createRedisStore({ ...stale.redis, maxAgeMs, keySecret: stale.keySecret, logger, events })
      : createMemoryStore({ maxBytes: stale.memoryBytes, maxAgeMs }));
  logger.info({ store: chosen.kind, maxAgeSeconds: stale.maxAgeSeconds }, 'last good cards are served, marked stale, when a card fails');
  return createLastGood({ store: chosen, registry, maxAgeMs });
}
