// OpenTelemetry: configured by OTEL_* variables, spans in an in-memory exporter, traceparent at a real upstream.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteDatabase as Database } from '../src/demo/sqlite.ts';
import { loadConfig } from '../src/config.ts';
import { startTracing, type Tracing } from '../src/tracing/sdk.ts';
import { tracingEnabled } from '../src/tracing/tracing.ts';
import { ALEX, cardsBody, createTestApp, plainRequest, seededDatabase, type TestApp } from './support/app.ts';
import { cardsLayout, DEMO_SCHEMA, sourcesFile, startTestUpstream, type TestUpstream } from './support/remote.ts';

describe('tracing configuration (standard OTEL_* variables)', () => {
  it.each<[string, Record<string, string>, unknown]>([
    ['off by default', {}, null],
    ['off when the exporter is none, even with an endpoint', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, null],
    ['on with an OTLP endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, { exporter: 'otlp', url: 'http://collector:4318/v1/traces', serviceName: 'cardql' }],
    ['on with a traces endpoint and a service name', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/t', OTEL_SERVICE_NAME: 'cards-eu' }, { exporter: 'otlp', url: 'http://c:4318/t', serviceName: 'cards-eu' }],
    ['on with the console exporter', { OTEL_TRACES_EXPORTER: 'console' }, { exporter: 'console', url: undefined, serviceName: 'cardql' }],
  ])('%s', (_what, env, expected) => {
    expect(loadConfig(env).config.tracing).toEqual(expected);
  });

  it('rejects an exporter it does not know, saying what it expected', () => {
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/OTEL_TRACES_EXPORTER: .*"otlp".*received "jaeger"/);
  });

  it('loads no SDK when off: outside sdk.ts, src/ imports only @opentelemetry/api (and types); sdk.ts loads the SDK with import()', () => {
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const staticSdkImports = files.flatMap((file) =>
      [...readFileSync(join('src', file), 'utf8').matchAll(/^import (?!type )[^;]*from '(@opentelemetry\/(?!api')[^']+)'/gm)].map((m) => `${file}: ${m[1]}`),
    );
    expect(staticSdkImports).toEqual([]);
    expect(readFileSync('src/tracing/sdk.ts', 'utf8')).toMatch(/await import\('@opentelemetry\/sdk-trace-node'\)/);
    expect(tracingEnabled()).toBe(false);
  });
});

describe('spans for a Plain request (in-memory exporter), traceparent at a real upstream', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let db: Database;
  let upstream: TestUpstream;
  let app: TestApp;
  beforeAll(async () => {
    tracing = await startTracing({ exporter: 'otlp', url: undefined, serviceName: 'cardql-test' }, { exporter });
    db = seededDatabase();
    upstream = await startTestUpstream();
    const layout = cardsLayout({ remote: ['usage', 'plan-details'], local: ['customer-details'] });
    app = await createTestApp(
      { CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url, schema: DEMO_SCHEMA } }), CARDQL_QUERIES_DIR: layout.queriesDir, CARDQL_CARDS_DIR: layout.cardsDir },
      { db },
    );
  });
  afterAll(async () => {
    await app.close();
    await upstream.close();
    db.close();
    await tracing.shutdown();
  });

  it('one trace: the request, each card, each execution on its source, the upstream call; traceparent reaches the upstream', async () => {
    exporter.reset();
    const before = upstream.seen.requests.length;
    const response = await app.fetch(plainRequest(cardsBody(['usage', 'plan-details', 'customer-details'])));
    expect(response.status).toBe(200);
    const spans = exporter.getFinishedSpans();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const [request] = named('cards request');
    expect(request).toBeDefined();
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([request!.spanContext().traceId]));
    expect(request!.attributes).toMatchObject({ 'plain.workspace_id': 'w_01TEST', 'cardql.card.keys': ['usage', 'plan-details', 'customer-details'], 'cardql.cards.failed': 0 });
    const cards = ['usage', 'plan-details', 'customer-details'].map((key) => named(`card ${key}`)[0]!);
    for (const card of cards) {
      expect(parentOf(card)).toBe(request!.spanContext().spanId);
      expect(card.attributes['cardql.card.outcome']).toBe('ok');
    }
    expect(parentOf(named('execute local')[0]!)).toBe(cards[2]!.spanContext().spanId);
    expect(named('execute demo')).toHaveLength(2);
    // The two remote cards go out as ONE merged HTTP request: one client span, whose id the upstream received.
    const [client] = named('POST demo');
    expect(named('POST demo')).toHaveLength(1);
    expect(client!.attributes).toMatchObject({ 'cardql.source': 'demo', 'http.response.status_code': 200 });
    const received = upstream.seen.requests.slice(before).map((r) => r.headers.traceparent);
    expect(received).toEqual([`00-${client!.spanContext().traceId}-${client!.spanContext().spanId}-01`]);
  });

  it('no customer data in any span attribute', async () => {
    exporter.reset();
    await app.fetch(plainRequest(cardsBody(['usage', 'customer-details'])));
    const printed = JSON.stringify(exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));
    for (const value of [ALEX.email, ALEX.id, ALEX.externalId]) expect(printed).not.toContain(value);
  });
});

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
