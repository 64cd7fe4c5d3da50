// The two load generators: autocannon for one HTTP request per Plain request, and a small driver for
// the naive alternative that sends a group of GraphQL requests per Plain request.
import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import type { Prepared } from './fixtures.ts';

/** What one measured row reports; latencies in milliseconds. */
export type LoadResult = {
  /** Completed Plain requests per second (2xx only). */
  rps: number;
  p50: number;
  p99: number;
  completed: number;
  /** Non-2xx responses, connection errors and timeouts: a correct row has none. */
  failures: number;
  durationS: number;
};

export type LoadOptions = { url: string; connections: number; durationS: number };

/**
 * Drives `url` with autocannon, `connections` concurrent requests, each the next of `requests` in
 * turn (one counter across connections, so concurrent requests are for different customers).
 * Latency percentiles come from every response's exact time, not autocannon's whole-ms histogram.
 */
export async function runAutocannon({ url, connections, durationS, requests }: LoadOptions & { requests: Prepared[] }): Promise<LoadResult> {
  let next = 0;
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        path: new URL(url).pathname,
        setupRequest(request) {
          const prepared = requests[next++ % requests.length]!;
          return { ...request, body: prepared.body, headers: prepared.headers };
        },
      },
    ],
  });
  (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, status: number, _bytes: number, time: number) => {
    if (status >= 200 && status < 300) latencies.push(time);
  });
  const result = await instance;
  const completed = result['2xx'];
  return {
    rps: completed / result.duration,
    ...percentiles(latencies),
    completed,
    failures: result.non2xx + result.errors,
    durationS: result.duration,
  };
}

/**
 * The naive alternative's client: `connections` virtual Plain requests at a time; each sends its
 * group of GraphQL requests at once (as a client fetching six cards' data would) over keep-alive
 * sockets, and counts one Plain request when all of them have answered 200.
 */
export async function runGroups({ url, connections, durationS, groups, headers }: LoadOptions & { groups: string[][]; headers: Record<string, string> }): Promise<LoadResult> {
  const target = new URL(url);
  const width = Math.max(...groups.map((group) => group.length));
  const agent = new Agent({ keepAlive: true, maxSockets: connections * width });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  const end = started + durationS * 1000;

  const send = (body: string): Promise<boolean> =>
    new Promise((resolve) => {
      const request = httpRequest(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (response) => {
          response.on('data', () => {});
          response.on('end', () => resolve(response.statusCode === 200));
          response.on('error', () => resolve(false));
        },
      );
      request.setTimeout(10_000, () => request.destroy(new Error('timeout')));
      request.on('error', () => resolve(false));
      request.end(body);
    });

  async function client(): Promise<void> {
    while (performance.now() < end) {
      const group = groups[next++ % groups.length]!;
      const sent = performance.now();
      const answers = await Promise.all(group.map(send));
      if (answers.every(Boolean)) latencies.push(performance.now() - sent);
      else failures += 1;
    }
  }
  await Promise.all(Array.from({ length: connections }, client));
  const durationS_ = (performance.now() - started) / 1000;
  agent.destroy();
  return { rps: latencies.length / durationS_, ...percentiles(latencies), completed: latencies.length, failures, durationS: durationS_ };
}

/** p50 and p99 by the nearest-rank method; NaN when nothing completed. */
export function percentiles(values: number[]): { p50: number; p99: number } {
  if (values.length === 0) return { p50: Number.NaN, p99: Number.NaN };
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: rank(50), p99: rank(99) };
}

/** What an open-loop run reports: latencies measured from each request's intended send time. */
export type OpenLoopResult = { rate: number; sent: number; completed: number; failures: number; p50: number; p99: number; p999: number; max: number };

/**
 * Open loop at a fixed rate: request `i` is due at `start + i / rate` whatever the answers do, and its
 * latency runs from that due time, not from when it was actually sent, so a stalled server or a late
 * sender shows in the figures instead of slowing the load (no coordinated omission). Keep-alive sockets,
 * as many as are in flight.
 */
export async function runOpenLoop({ url, rate, durationS, requests }: { url: string; rate: number; durationS: number; requests: Prepared[] }): Promise<OpenLoopResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  let failures = 0;
  let sent = 0;
  const total = Math.round(rate * durationS);
  const interval = 1000 / rate;
  const start = performance.now() + 5;
  const pending: Array<Promise<void>> = [];

  const send = (prepared: Prepared, due: number): Promise<void> =>
    new Promise((resolve) => {
      const request = httpRequest(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...prepared.headers, 'content-length': Buffer.byteLength(prepared.body) } },
        (response) => {
          response.on('data', () => {});
          response.on('end', () => {
            if (response.statusCode === 200) latencies.push(performance.now() - due);
            else failures += 1;
            resolve();
          });
          response.on('error', () => ((failures += 1), resolve()));
        },
      );
      request.setTimeout(10_000, () => request.destroy(new Error('timeout')));
      request.on('error', () => ((failures += 1), resolve()));
      request.end(prepared.body);
    });

  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        pending.push(send(requests[sent % requests.length]!, start + sent * interval));
        sent += 1;
      }
      if (sent >= total) return done();
      // Wake up at the next due time (timers are ~1 ms coarse: a late wake-up is counted in the latency).
      setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const rank = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : Number.NaN);
  return { rate, sent, completed: latencies.length, failures, p50: rank(50), p99: rank(99), p999: rank(99.9), max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN };
}
