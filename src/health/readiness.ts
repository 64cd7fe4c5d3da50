// Readiness: whether this process can answer card requests now (not whether its upstreams are up). Load balancers ask /readyz.
import { z } from 'zod';
import type { Source } from '../execution/executor.ts';
import type { Registry } from '../registry/registry.ts';
import { SOURCE_PROBE_TIMEOUT_MS, SourceHealthEntry, type SourceHealth, type SourceLog } from './source-health.ts';

export const Check = z.object({
  ok: z.boolean(),
  /** Why the check failed, in words safe to show anyone who can reach the port. */
  message: z.string().optional(),
  durationMs: z.number(),
  /** `false` for a check that does not decide readiness (e.g. the shared stale-card store): reported, not failing. */
  required: z.boolean().optional(),
});
export type Check = z.infer<typeof Check>;

/**
 * The body of /readyz, 200 or 503: `failing` names every check of this process that did not pass.
 * `sources` reports each remote source's health for whoever reads it; a source that is down makes
 * only its own cards error cards, so it never takes this process (and with it every replica, at
 * once) out of the load balancer.
 */
export const Readiness = z.object({
  status: z.enum(['ready', 'not ready']),
  failing: z.array(z.string()),
  /** Optional checks that did not pass: the instance serves, with less (e.g. no stale cards while Redis is down). */
  degraded: z.array(z.string()).optional(),
  checks: z.record(z.string(), Check),
  sources: z.record(z.string(), SourceHealthEntry),
});
export type Readiness = z.infer<typeof Readiness>;

export type ReadinessDeps = {
  /** The in-process source: part of this process, so its `ready` hook (the demo: its database answers) is a check. */
  local: Source | undefined;
  registry: Registry;
  /** True once shutdown began: traffic must go elsewhere while in-flight requests finish. */
  shuttingDown: () => boolean;
  /** The remote sources' health, reported in the body: cached, probed at most once per interval. */
  sourceHealth: SourceHealth;
  /** Shared across probes, so that the in-process data going down is logged once, with its cause. */
  localLog: SourceLog;
  localTimeoutMs?: number;
  /**
   * Checks that are reported but never make the instance unready: each returns why it is degraded,
   * or `undefined`. Taking every replica out because a cache is down would turn less into nothing.
   */
  optional?: Record<string, () => string | undefined>;
};

/**
 * Runs every check of this process concurrently: not shutting down, at least one card loaded, the
 * in-process data's `ready` hook answering within the timeout; and reads the remote sources'
 * health for the body. Never throws; a check that throws is a failed check.
 */
export async function checkReadiness({ local, registry, shuttingDown, sourceHealth, localLog, localTimeoutMs = SOURCE_PROBE_TIMEOUT_MS, optional = {} }: ReadinessDeps): Promise<Readiness> {
  const named: Array<[string, Promise<Check>]> = [
    ['shutdown', timed(() => (shuttingDown() ? 'shutting down: finishing in-flight requests' : undefined))],
    ['cards', timed(() => (registry.size > 0 ? undefined : 'no card loaded: add queries to the queries folder'))],
  ];
  const ready = local?.ready?.bind(local);
  if (local && ready) named.push([`source:${local.name}`, timed(() => checkLocal(local.name, ready, localTimeoutMs, localLog))]);
  const sources = sourceHealth.current().catch(() => ({}));
  const checks: Record<string, Check> = {};
  for (const [name, check] of named) checks[name] = await check;
  for (const [name, check] of Object.entries(optional)) checks[name] = { ...(await timed(check)), required: false };
  const failing = Object.keys(checks).filter((name) => !checks[name]!.ok && checks[name]!.required !== false);
  const degraded = Object.keys(checks).filter((name) => !checks[name]!.ok && checks[name]!.required === false);
  return { status: failing.length === 0 ? 'ready' : 'not ready', failing, ...(degraded.length > 0 && { degraded }), checks, sources: await sources };
}

async function checkLocal(name: string, ready: NonNullable<Source['ready']>, timeoutMs: number, log: SourceLog): Promise<string | undefined> {
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
