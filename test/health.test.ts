// /healthz and /readyz: readiness of this process, and source health probed once per interval in the body.
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalSource } from '../src/execution/local.ts';
import { demoContext } from '../src/demo/index.ts';
import type { Source } from '../src/execution/executor.ts';
import { checkReadiness, Readiness } from '../src/health/readiness.ts';
import { createSourceHealth, createSourceLog } from '../src/health/source-health.ts';
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

  describe('with sources that have a health probe', () => {
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

    it('stays ready when a source is down: the process can serve (the cards of that source become error cards), and the body reports each source', async () => {
      const { status, body } = await get(app, '/readyz');
      expect(status).toBe(200);
      const readiness = Readiness.parse(body);
      expect(readiness).toMatchObject({ status: 'ready', failing: [] });
      expect(readiness.sources).toEqual({
        up: { up: true, ageMs: expect.any(Number) },
        down: { up: false, message: 'not reachable (the cause is in the logs)', ageMs: expect.any(Number) },
      });
    });

    it('keeps the cause out of the body (it may name internal hosts) and logs what it is, not what it says', async () => {
      const { body } = await get(app, '/readyz');
      expect(JSON.stringify(body)).not.toContain('internal-billing');
      const line = app.logs().find((l) => l.msg === 'source not ready');
      expect(line).toMatchObject({ source: 'down', err: { type: 'Error', stack: expect.any(Array) } });
      expect(JSON.stringify(line)).not.toContain('internal-billing');
    });

    it('reports each source in /metrics as cardql_source_up', async () => {
      const text = await (await app.fetch(new Request('http://cardql.test/metrics'))).text();
      expect(text).toContain('cardql_source_up{source="up"} 1');
      expect(text).toContain('cardql_source_up{source="down"} 0');
    });
  });

  it('probes a source once however many callers ask at the same time (/readyz and /metrics alike)', async () => {
    let probes = 0;
    let answer: () => void = () => {};
    const slow = sourceWithReady('slow', () => {
      probes += 1;
      return new Promise<void>((resolve) => (answer = resolve));
    });
    const app = await createTestApp({}, { db, sources: [slow] });
    const callers = [...Array.from({ length: 50 }, () => get(app, '/readyz')), app.fetch(new Request('http://cardql.test/metrics'))];
    while (probes === 0) await new Promise((resolve) => setImmediate(resolve));
    answer();
    const answers = await Promise.all(callers);
    expect(probes).toBe(1);
    expect(answers.slice(0, 50).map((a) => a.status)).toEqual(Array(50).fill(200));
    await app.close();
  });

  it.each(['POST', 'PUT'])('answers %s with 405', async (method) => {
    const app = await createTestApp({}, { db });
    const { status, body } = await get(app, '/readyz', method);
    expect([status, body]).toEqual([405, { error: { code: 'METHOD_NOT_ALLOWED', message: `Expected GET, received ${method}` } }]);
    await app.close();
  });
});

describe('source health', () => {
  const logger = createLogger('silent');
  /** A clock the test moves by hand. */
  function manualClock() {
    let now = 0;
    return { now: () => now, advance: (ms: number) => void (now += ms) };
  }

  it('probes again only once the interval has passed since the last probe', async () => {
    const clock = manualClock();
    let probes = 0;
    const health = createSourceHealth({ sources: new Map([['s', sourceWithReady('s', async () => void (probes += 1))]]), logger, intervalMs: 10_000, now: clock.now });
    await health.current();
    clock.advance(9_999);
    await health.current();
    expect(probes).toBe(1);
    clock.advance(1);
    expect(await health.current()).toEqual({ s: { up: true, ageMs: 0 } });
    expect(probes).toBe(2);
  });

  it('fails a source whose probe does not answer within the timeout, and aborts the signal it gave it', async () => {
    let given: AbortSignal | undefined;
    const stuck = sourceWithReady('stuck', (signal) => {
      given = signal;
      return new Promise(() => {});
    });
    const health = createSourceHealth({ sources: new Map([['stuck', stuck]]), logger, timeoutMs: 50 });
    expect(await health.current()).toMatchObject({ stuck: { up: false, message: 'no answer within 50 ms' } });
    expect(given?.aborted).toBe(true);
  });

  it('logs a source going down once, however often it is probed, and once when it comes back', async () => {
    const clock = manualClock();
    let reachable = false;
    const lines: Array<Record<string, unknown>> = [];
    const flaky = sourceWithReady('flaky', async () => {
      if (!reachable) throw new Error('connect ECONNREFUSED billing:4001');
    });
    const health = createSourceHealth({ sources: new Map([['flaky', flaky]]), logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }), intervalMs: 1, now: clock.now });
    const probe = async () => {
      clock.advance(1);
      return (await health.current()).flaky!.up;
    };
    const sourceLines = () => lines.filter((l) => l.source === 'flaky').map((l) => l.msg);
    for (let n = 0; n < 3; n++) expect(await probe()).toBe(false);
    expect(sourceLines()).toEqual(['source not ready']);
    reachable = true;
    for (let n = 0; n < 2; n++) expect(await probe()).toBe(true);
    expect(sourceLines()).toEqual(['source not ready', 'source ready again']);
    reachable = false;
    expect(await probe()).toBe(false);
    expect(sourceLines()).toEqual(['source not ready', 'source ready again', 'source not ready']);
  });
});

describe('checkReadiness', () => {
  const base = { local: undefined, registry: new Map([['usage', {} as never]]), shuttingDown: () => false, sourceHealth: { current: async () => ({}) }, localLog: createSourceLog(createLogger('silent')) };

  it('fails when no card is loaded', async () => {
    const readiness = await checkReadiness({ ...base, registry: new Map() });
    expect(readiness).toMatchObject({ status: 'not ready', failing: ['cards'] });
  });

  it('reports every failing check at once, the in-process data among them, and never a remote source', async () => {
    const readiness = await checkReadiness({
      ...base,
      local: sourceWithReady('local', () => Promise.reject(new Error('database closed'))),
      registry: new Map(),
      shuttingDown: () => true,
      sourceHealth: { current: async () => ({ down: { up: false, message: 'not reachable', ageMs: 0 } }) },
    });
    expect(readiness.failing.sort()).toEqual(['cards', 'shutdown', 'source:local']);
    expect(readiness.sources).toEqual({ down: { up: false, message: 'not reachable', ageMs: 0 } });
  });

  it('fails the in-process data when its ready hook does not answer within the timeout, and aborts the signal it gave it', async () => {
    let given: AbortSignal | undefined;
    const stuck = sourceWithReady('local', (signal) => {
      given = signal;
      return new Promise(() => {});
    });
    const readiness = await checkReadiness({ ...base, local: stuck, localTimeoutMs: 50 });
    expect(readiness).toMatchObject({ failing: ['source:local'], checks: { 'source:local': { ok: false, message: 'no answer within 50 ms' } } });
    expect(given?.aborted).toBe(true);
  });
});
