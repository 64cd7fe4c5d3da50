// The warm-up: before the port opens, every path of POST /cards (error cards and the deadline's included) runs once, unseen by Plain, logs and metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoData } from '../src/demo/index.ts';
import type { SqliteDatabase } from '../src/demo/sqlite.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { seededDatabase } from './support/app.ts';
import { cardsLayout, DEMO_SCHEMA, sourcesFile, startTestUpstream, type TestUpstream } from './support/remote.ts';

type Line = Record<string, unknown> & { msg: string };

describe('startServer warms the card pipeline up before it listens', () => {
  let db: SqliteDatabase;
  let upstream: TestUpstream;
  let running: RunningServer;
  const lines: Line[] = [];
  const local = ['customer-details', 'latest-invoice', 'recent-orders'];
  beforeAll(async () => {
    db = seededDatabase();
    upstream = await startTestUpstream();
    const { queriesDir, cardsDir } = cardsLayout({ remote: ['usage', 'plan-details'], local });
    running = await startServer(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        CARDQL_SIGNING_SECRET: 's',
        LOG_LEVEL: 'debug',
        CARDQL_QUERIES_DIR: queriesDir,
        CARDQL_CARDS_DIR: cardsDir,
        CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url, schema: DEMO_SCHEMA } }),
      },
      { local: createDemoData(db), logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Line) } },
    );
  });
  afterAll(async () => {
    await running?.close();
    await upstream?.close();
    db?.close();
  });

  it('runs the answered, failed and timed-out paths, and prepares the in-process queries, before the port opens', () => {
    const warmed = lines.findIndex((line) => line.msg.startsWith('warmed up'));
    const listening = lines.findIndex((line) => line.msg === 'cardql listening');
    expect(warmed).toBeGreaterThanOrEqual(0);
    expect(warmed).toBeLessThan(listening);
    const report = lines[warmed]!;
    // A 200 with answered, failed and timed-out cards; a 503 when every card timed out; a 401 for a bad signature.
    expect(report.statuses).toEqual([200, 503, 401]);
    const outcomes = new Set(report.outcomes as string[]);
    expect(outcomes).toEqual(new Set(['no-data', 'error', 'timeout']));
    expect(report.preparedQueries).toBe(local.length);
    // The remote sources' HTTP client is loaded lazily; the warm-up loads it, not the first Plain request.
    expect(report.remoteClientLoaded).toBe(true);
  });

  it('never calls a source: the remote one runs its own code on a fetch that stays in the process', async () => {
    await running.app.checkDrift();
    // What the upstream saw: the drift check's introspection, after listening; no card's query.
    expect(upstream.seen.requests.map((request) => request.body.query ?? '').filter((query) => !query.includes('__schema'))).toEqual([]);
  });

  it('is not a Plain request: no line of it is logged and nothing of it is counted', async () => {
    expect(lines.filter((line) => line.msg === 'cards request' || line.msg === 'card failed' || line.msg === 'cards request rejected')).toEqual([]);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).not.toMatch(/^cardql_card_results_total\{/m);
    expect(metrics).not.toMatch(/^cardql_http_requests_total\{route="\/cards"/m);
  });
});
