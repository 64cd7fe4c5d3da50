// Readiness: whether this instance can answer card requests now. Load balancers and probes ask /readyz.
import { z } from 'zod';
import type { Source } from '../execution/executor.ts';
import type { Logger } from '../log.ts';
import type { Registry } from '../registry/registry.ts';

/** A remote source must answer its readiness check within this, or the instance is not ready. */
export const SOURCE_READY_TIMEOUT_MS = 2000;

export const Check = z.object({
  ok: z.boolean(),
  /** Why the check failed, in words safe to show anyone who can reach the port. */
  message: z.string().optional(),
  durationMs: z.number(),
  /** `false` for a check that does not decide readiness (e.g. the shared stale-card store): reported, not failing. */
  required: z.boolean().optional(),
});
export type Check = z.infer<typeof Check>;

/** The body of /readyz, 200 or 503: `failing` names every check that did not pass. */
export const Readiness = z.object({
  status: z.enum(['ready', 'not ready']),
  failing: z.array(z.string()),
  /** Optional checks that did not pass: the instance serves, with less (e.g. no stale cards while Redis is down). */
  degraded: z.array(z.string()).optional(),
  checks: z.record(z.string(), Check),
});
export type Readiness = z.infer<typeof Readiness>;

export type ReadinessDeps = {
  sources: ReadonlyMap<string, Source>;
  registry: Registry;
  /** True once shutdown began: traffic must go elsewhere while in-flight requests finish. */
  shuttingDown: () => boolean;
  logger: Logger;
  /** Shared across probes so that a source's state is logged when it changes; default: one for this call. */
  sourceLog?: SourceLog;
  sourceTimeoutMs?: number;
  /**
   * Checks that are reported but never make the instance unready: each returns why it is degraded,
   * or `undefined`. Taking every replica out because a cache is down would turn less into nothing.
   */
  optional?: Record<string, () => string | undefined>;
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

/**
 * Runs every check concurrently: not shutting down, at least one card loaded, and each source that has
 * a `ready` method (the in-process data's database, remote upstreams) answering it within the timeout.
 * Never throws; a check that throws is a failed check, its cause logged.
 */
export async function checkReadiness({
  sources,
  registry,
  shuttingDown,
  logger,
  sourceLog = createSourceLog(logger),
  sourceTimeoutMs = SOURCE_READY_TIMEOUT_MS,
  optional = {},
}: ReadinessDeps): Promise<Readiness> {
  const named: Array<[string, Promise<Check>]> = [
    ['shutdown', timed(() => (shuttingDown() ? 'shutting down: finishing in-flight requests' : undefined))],
    ['cards', timed(() => (registry.size > 0 ? undefined : 'no card loaded: add queries to the queries folder'))],
  ];
  for (const source of sources.values()) {
    const ready = source.ready?.bind(source);
    if (ready) named.push([`source:${source.name}`, timed(() => checkSource(source.name, ready, sourceTimeoutMs, sourceLog))]);
  }
  const checks: Record<string, Check> = {};
  for (const [name, check] of named) checks[name] = await check;
  for (const [name, check] of Object.entries(optional)) checks[name] = { ...(await timed(check)), required: false };
  const failing = Object.keys(checks).filter((name) => !checks[name]!.ok && checks[name]!.required !== false);
  const degraded = Object.keys(checks).filter((name) => !checks[name]!.ok && checks[name]!.required === false);
  return { status: failing.length === 0 ? 'ready' : 'not ready', failing, ...(degraded.length > 0 && { degraded }), checks };
}

async function checkSource(name: string, ready: NonNullable<Source['ready']>, timeoutMs: number, log: SourceLog): Promise<string | undefined> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    // The race bounds a `ready` that ignores its signal.
    const failure = await Promise.race([ready(controller.signal).then(() => undefined), timeout]);
    if (failure === undefined) log.up(name);
    else log.down(name, failure);
    return failure;
  } catch (error) {
    log.down(name, 'not reachable', error);
    return 'not reachable (the cause is in the logs)';
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** Runs a check, turning a returned reason or a thrown error into a failed `Check`. */
async function timed(check: () => string | undefined | Promise<string | undefined>): Promise<Check> {
  const started = performance.now();
  const durationMs = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const failure = await check();
    return failure === undefined ? { ok: true, durationMs: durationMs() } : { ok: false, message: failure, durationMs: durationMs() };
  } catch (error) {
    return { ok: false, message: `failed: ${error instanceof Error ? error.message : String(error)}`, durationMs: durationMs() };
  }
}
