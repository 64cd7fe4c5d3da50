// Health of the sources cards run on: probed at most once per interval however many callers ask, reported, never a reason to leave the load balancer.
import { z } from 'zod';
import type { Source } from '../execution/executor.ts';
import type { Logger } from '../log.ts';

/** A source must answer its probe within this. */
export const SOURCE_PROBE_TIMEOUT_MS = 2000;
/** Probes of one source are at least this far apart: 50 callers of /readyz cost one upstream request. */
export const SOURCE_PROBE_INTERVAL_MS = 10_000;

/** One source's last probe, in the /readyz body. */
export const SourceHealthEntry = z.object({
  up: z.boolean(),
  /** Why it is down, in words safe to show anyone who can reach the port (the cause is in the logs). */
  message: z.string().optional(),
  /** How long ago the probe that gave this state started. */
  ageMs: z.number(),
});
export type SourceHealthEntry = z.infer<typeof SourceHealthEntry>;

export type SourceHealth = {
  /** Each probed source's state: the cached one, or, when older than the interval, the one a single shared probe brings. */
  current(): Promise<Record<string, SourceHealthEntry>>;
};

export type SourceHealthOptions = {
  sources: ReadonlyMap<string, Source>;
  logger: Logger;
  intervalMs?: number;
  timeoutMs?: number;
  /** Milliseconds on a monotonic clock; injected by tests. Default `performance.now`. */
  now?: () => number;
};

/**
 * Logs a source going down and coming back, once each, rather than on every probe: a load balancer
 * probing every few seconds would otherwise repeat the same warning for as long as the outage lasts.
 */
export type SourceLog = {
  down(source: string, reason: string, error?: unknown): void;
  up(source: string): void;
};

export function createSourceLog(logger: Logger): SourceLog {
  const down = new Set<string>();
  return {
    down(source, reason, error) {
      if (down.has(source)) return;
      down.add(source);
      // The cause may name internal hosts: logged whole here, summarised in the /readyz body.
      logger.warn({ err: error, source, reason }, 'source not ready');
    },
    up(source) {
      if (down.delete(source)) logger.info({ source }, 'source ready again');
    },
  };
}

type Probed = { at: number; states: Record<string, { up: boolean; message?: string }> };

/**
 * Probes every source that has a `ready` method, concurrently, each bounded by the timeout. A probe
 * runs only when the last one is older than the interval; callers meanwhile share the one in
 * flight or get the cached states. A source going down is logged once (a warning with the cause,
 * which may name internal hosts), and once when it comes back.
 */
export function createSourceHealth({ sources, logger, intervalMs = SOURCE_PROBE_INTERVAL_MS, timeoutMs = SOURCE_PROBE_TIMEOUT_MS, now = () => performance.now() }: SourceHealthOptions): SourceHealth {
  const log = createSourceLog(logger);
  let last: Probed | undefined;
  let inFlight: Promise<Probed> | undefined;

  async function probe(): Promise<Probed> {
    const at = now();
    const probed = [...sources.values()].flatMap((source) => (source.ready ? [[source.name, source.ready.bind(source)] as const] : []));
    const results = await Promise.all(probed.map(async ([name, ready]) => [name, await probeOne(name, ready)] as const));
    return { at, states: Object.fromEntries(results) };
  }

  async function probeOne(name: string, ready: NonNullable<Source['ready']>): Promise<{ up: boolean; message?: string }> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      // The race bounds a `ready` that ignores its signal.
      if ((await Promise.race([ready(controller.signal).then(() => 'ok' as const), timeout])) === 'timeout') return wentDown(name, `no answer within ${timeoutMs} ms`);
      log.up(name);
      return { up: true };
    } catch (error) {
      return wentDown(name, 'not reachable (the cause is in the logs)', error);
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }

  function wentDown(name: string, message: string, error?: unknown): { up: false; message: string } {
    log.down(name, message, error);
    return { up: false, message };
  }

  return {
    async current() {
      if (!inFlight && (last === undefined || now() - last.at >= intervalMs)) {
        inFlight = probe()
          .then((probed) => (last = probed))
          .finally(() => (inFlight = undefined));
      }
      if (inFlight) await inFlight;
      const probed = last!;
      const ageMs = Math.round((now() - probed.at) * 10) / 10;
      return Object.fromEntries(Object.entries(probed.states).map(([name, state]) => [name, { ...state, ageMs }]));
    },
  };
}
