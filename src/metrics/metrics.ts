// Prometheus metrics of one app, in its own prom-client Registry: HTTP requests, card outcomes, upstream calls.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CardOutcome } from '../resolve/card-result.ts';
import type { CardsRequestEvent, Telemetry, UpstreamRequestEvent } from '../telemetry.ts';

/** The label value for anything that is not a known card, source, route or HTTP status: series stay bounded. */
export const OTHER = '_other';

const OUTCOMES: ReadonlySet<string> = new Set<CardOutcome | 'unknown'>(['ok', 'no-data', 'error', 'timeout', 'stale', 'unknown']);

/** From 1 ms to Plain's 15 s timeout, in seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

export type MetricsOptions = {
  /** Card keys that may become label values, looked up at each event: the registry. */
  cards: { has(key: string): boolean };
  /** Source names that may become label values: the app's sources. */
  sources: { has(name: string): boolean };
};

export type Metrics = {
  registry: Registry;
  /** What the pipeline reports to; never throws. */
  telemetry: Telemetry;
  /** Records one answered HTTP request; `route` is a path of the route table or a fixed placeholder, never a raw URL. */
  httpRequest(route: string, status: number, durationMs: number): void;
  /**
   * `cardql_source_up` reads each source's health from `current` at every scrape (which probes at
   * most once per interval, shared with /readyz): 1 while its last probe passed, 0 otherwise.
   */
  reportSourceHealth(current: () => Promise<Record<string, { up: boolean }>>): void;
  /** Adds process metrics (CPU, RSS, heap, event loop lag, GC): once per process, by the process. */
  collectProcessMetrics(): void;
};

/**
 * Creates the metrics of one app. Label values come only from configuration (card keys, source
 * names, routes) and from HTTP statuses, never from a request, so no customer data can reach them
 * and a caller cannot create series by sending unknown card keys.
 */
export function createMetrics({ cards, sources }: MetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];

  const httpRequests = new Counter({ name: 'cardql_http_requests_total', help: 'HTTP requests answered, by route and status.', labelNames: ['route', 'status'], registers });
  const httpDuration = new Histogram({
    name: 'cardql_http_request_duration_seconds',
    help: 'Time from request to response headers, by route and status.',
    labelNames: ['route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const cardResults = new Counter({
    name: 'cardql_card_results_total',
    help: 'Cards answered, by card key and outcome (ok, no-data, error, timeout, stale; unknown keys as card="_other", outcome="unknown").',
    labelNames: ['card', 'outcome'],
    registers,
  });
  const cardDuration = new Histogram({
    name: 'cardql_card_duration_seconds',
    help: 'Time to resolve one card (query, mapper, validation), by card key and outcome.',
    labelNames: ['card', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const upstreamRequests = new Counter({
    name: 'cardql_upstream_requests_total',
    help: 'HTTP requests to remote GraphQL sources, by source and status (`network` when no response came back).',
    labelNames: ['source', 'status'],
    registers,
  });
  const upstreamRetries = new Counter({ name: 'cardql_upstream_retries_total', help: 'Upstream requests that were a retry, by source.', labelNames: ['source'], registers });
  const upstreamDuration = new Histogram({
    name: 'cardql_upstream_request_duration_seconds',
    help: 'Duration of one upstream HTTP request, by source.',
    labelNames: ['source'],
    buckets: LATENCY_BUCKETS,
    registers,
  });

  const telemetry: Telemetry = {
    cardsRequest(event: CardsRequestEvent) {
      guard(() => {
        for (const { key, outcome, durationMs } of event.cards) {
          const labels = { card: cards.has(key) ? key : OTHER, outcome: OUTCOMES.has(outcome) ? outcome : OTHER };
          cardResults.inc(labels);
          cardDuration.observe(labels, durationMs / 1000);
        }
      });
    },
    upstreamRequest(event: UpstreamRequestEvent) {
      guard(() => {
        const source = sources.has(event.source) ? event.source : OTHER;
        upstreamRequests.inc({ source, status: event.status === 'network' ? 'network' : statusLabel(event.status) });
        upstreamDuration.observe({ source }, event.durationMs / 1000);
        if (event.attempt > 1) upstreamRetries.inc({ source });
      });
    },
  };

  let sourceHealth: (() => Promise<Record<string, { up: boolean }>>) | undefined;
  new Gauge({
    name: 'cardql_source_up',
    help: 'Whether the last health probe of a source passed (1) or not (0); probed at most once per interval.',
    labelNames: ['source'],
    registers,
    async collect() {
      if (!sourceHealth) return;
      const states = await sourceHealth().catch(() => ({}));
      for (const [source, { up }] of Object.entries(states)) this.set({ source: sources.has(source) ? source : OTHER }, up ? 1 : 0);
    },
  });

  let processMetrics = false;
  return {
    registry,
    telemetry,
    httpRequest(route, status, durationMs) {
      guard(() => {
        const labels = { route, status: statusLabel(status) };
        httpRequests.inc(labels);
        httpDuration.observe(labels, durationMs / 1000);
      });
    },
    reportSourceHealth(current) {
      sourceHealth = current;
    },
    collectProcessMetrics() {
      if (processMetrics) return;
      processMetrics = true;
      collectDefaultMetrics({ register: registry });
    },
  };
}

function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : OTHER;
}

/** Metrics must never take a request down: a failure to record is dropped. */
function guard(record: () => void): void {
  try {
    record();
  } catch {
    // prom-client throws only on programming errors (wrong label names), which the tests catch.
  }
}

/** One telemetry reporting to several: the metrics, and whatever else a caller plugs in (e.g. a test recorder). */
export function teeTelemetry(...sinks: Telemetry[]): Telemetry {
  return {
    cardsRequest: (event) => sinks.forEach((sink) => sink.cardsRequest(event)),
    upstreamRequest: (event) => sinks.forEach((sink) => sink.upstreamRequest(event)),
  };
}
