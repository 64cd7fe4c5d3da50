import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalSource } from '../src/execution/local.ts';
import { demoContext } from '../src/demo/index.ts';
import type { Source } from '../src/execution/executor.ts';
import { checkReadiness, Readiness } from '../src/health/readiness.ts';
import { createLogger } from '../src/log.ts';
import { createTestApp, seededDatabase, type TestApp } from './support/app.ts';

const db = seededDatabase();
afterAll(() => db.close());

async function get(app: TestApp, path: string, method = 'GET') {
  const response = await app.fetch(new Request(`http://cardql.test${path}`, { method }));
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

/** A source with no cards whose readiness the test controls. */
function sourceWithReady(name: string, ready: Source['ready']): Source {
  return { name, schema: buildSchema('type Query { ok: Boolean }'), createExecutor: () => async () => ({ data: null }), ready };
}

describe('GET /healthz', () => {
  it('answers 200 while the process serves, even when it is not ready', async () => {
    const app = await createTestApp({}, { db });
    app.beginShutdown();
    const { status, body, headers } = await get(app, '/healthz');
    expect([status, body, headers.get('cache-control')]).toEqual([200, { status: 'alive' }, 'no-store']);
    await app.close();
  });
});

describe('GET /readyz', () => {
  it('answers 200 and lists its checks when the in-process data answers, cards are loaded and no shutdown began', async () => {
    const app = await createTestApp({}, { db });
    const { status, body } = await get(app, '/readyz');
    expect(status).toBe(200);
    const readiness = Readiness.parse(body);
    expect(readiness).toMatchObject({ status: 'ready', failing: [] });
    expect(Object.keys(readiness.checks).sort()).toEqual(['cards', 'shutdown', 'source:local']);
    await app.close();
  });

  it("answers 503 naming the in-process source once the demo's database is closed", async () => {
    const own = seededDatabase();
    const app = await createTestApp({}, { db: own });
    own.close();
    const { status, body } = await get(app, '/readyz');
    expect(status).toBe(503);
    expect(Readiness.parse(body)).toMatchObject({ status: 'not ready', failing: ['source:local'], checks: { 'source:local': { ok: false, message: 'not reachable (the cause is in the logs)' } } });
    expect(app.logs()).toContainEqual(expect.objectContaining({ msg: 'source not ready', source: 'local', err: expect.objectContaining({ message: 'the demo database is closed' }) }));
    await app.close();
  });

  it('answers 503 naming the shutdown once shutdown began, while card requests are still served', async () => {
    const app = await createTestApp({}, { db });
    app.beginShutdown();
    const { status, body } = await get(app, '/readyz');
    expect(status).toBe(503);
    expect(Readiness.parse(body)).toMatchObject({ failing: ['shutdown'], checks: { shutdown: { ok: false, message: expect.stringContaining('shutting down') } } });
    await app.close();
  });

  describe('with sources that have a readiness check', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await createTestApp(
        {},
        {
          db,
          sources: [
            sourceWithReady('up', async () => {}),
            sourceWithReady('down', async () => {
              throw new Error('connect ECONNREFUSED internal-billing.corp:4001');
            }),
            createLocalSource({ schema: buildSchema('type Query { ok: Boolean }'), createContext: demoContext(db), name: 'no-check' }),
          ],
        },
      );
    });
    afterAll(() => app.close());

    it('answers 503 naming the unreachable source, and only it', async () => {
      const { status, body } = await get(app, '/readyz');
      expect(status).toBe(503);
      const readiness = Readiness.parse(body);
      expect(readiness.failing).toEqual(['source:down']);
      expect(readiness.checks['source:up']).toMatchObject({ ok: true });
      expect(readiness.checks['source:no-check']).toBeUndefined();
    });

    it('keeps the cause out of the body (it may name internal hosts) and logs what it is, not what it says', async () => {
      const { body } = await get(app, '/readyz');
      expect(JSON.stringify(body)).not.toContain('internal-billing');
      const line = app.logs().find((l) => l.msg === 'source not ready');
      expect(line).toMatchObject({ source: 'down', err: { type: 'Error', stack: expect.any(Array) } });
      expect(JSON.stringify(line)).not.toContain('internal-billing');
    });
  });

  it('logs a source going down once, however often it is probed, and once when it comes back', async () => {
    let reachable = false;
    const flaky = sourceWithReady('flaky', async () => {
      if (!reachable) throw new Error('connect ECONNREFUSED billing:4001');
    });
    const app = await createTestApp({}, { db, sources: [flaky] });
    const sourceLines = () => app.logs().filter((l) => l.source === 'flaky').map((l) => l.msg);
    for (let probe = 0; probe < 3; probe++) expect((await get(app, '/readyz')).status).toBe(503);
    expect(sourceLines()).toEqual(['source not ready']);
    reachable = true;
    for (let probe = 0; probe < 2; probe++) expect((await get(app, '/readyz')).status).toBe(200);
    expect(sourceLines()).toEqual(['source not ready', 'source ready again']);
    reachable = false;
    expect((await get(app, '/readyz')).status).toBe(503);
    expect(sourceLines()).toEqual(['source not ready', 'source ready again', 'source not ready']);
    await app.close();
  });

  it.each(['POST', 'PUT'])('answers %s with 405', async (method) => {
    const app = await createTestApp({}, { db });
    const { status, body } = await get(app, '/readyz', method);
    expect([status, body]).toEqual([405, { error: { code: 'METHOD_NOT_ALLOWED', message: `Expected GET, received ${method}` } }]);
    await app.close();
  });
});

describe('checkReadiness', () => {
  const logger = createLogger('silent');
  const base = { registry: new Map([['usage', {} as never]]), shuttingDown: () => false, logger };

  it('fails a source whose check does not answer within the timeout, without waiting longer', async () => {
    const started = performance.now();
    const readiness = await checkReadiness({ ...base, sources: new Map([['stuck', sourceWithReady('stuck', () => new Promise(() => {}))]]), sourceTimeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(readiness).toMatchObject({ failing: ['source:stuck'], checks: { 'source:stuck': { ok: false, message: 'no answer within 100 ms' } } });
  });

  it('aborts the signal it gave a source once the check is over', async () => {
    let given: AbortSignal | undefined;
    await checkReadiness({ ...base, sources: new Map([['s', sourceWithReady('s', async (signal) => void (given = signal))]]) });
    expect(given?.aborted).toBe(true);
  });

  it('fails when no card is loaded', async () => {
    const readiness = await checkReadiness({ ...base, registry: new Map(), sources: new Map() });
    expect(readiness).toMatchObject({ status: 'not ready', failing: ['cards'] });
  });

  it('reports every failing check at once', async () => {
    const readiness = await checkReadiness({
      ...base,
      registry: new Map(),
      shuttingDown: () => true,
      sources: new Map([
        ['down', sourceWithReady('down', () => Promise.reject(new Error('down')))],
        ['also-down', sourceWithReady('also-down', () => Promise.reject(new Error('down too')))],
      ]),
    });
    expect(readiness.failing.sort()).toEqual(['cards', 'shutdown', 'source:also-down', 'source:down']);
  });
});
