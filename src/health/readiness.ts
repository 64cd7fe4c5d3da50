// Readiness: whether this process can answer card requests now (not whether its upstreams are up). Load balancers ask /readyz.
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import type { Registry } from '../registry/registry.ts';
import { SourceHealthEntry, type SourceHealth } from './source-health.ts';

export const Check = z.object({
  ok: z.boolean(),
  /** Why the check failed, in words safe to show anyone who can reach the port. */
  message: z.string().optional(),
  durationMs: z.number(),
});
export type Check = z.infer<typeof Check>;

/**
 * The body of /readyz, 200 or 503: `failing` names every check of this process that did not pass.
 * `sources` reports each source's health for whoever reads it; a source that is down makes only
 * its own cards error cards, so it never takes this process (and with it every replica, at once)
 * out of the load balancer.
 */
export const Readiness = z.object({
  status: z.enum(['ready', 'not ready']),
  failing: z.array(z.string()),
  checks: z.record(z.string(), Check),
  sources: z.record(z.string(), SourceHealthEntry),
});
export type Readiness = z.infer<typeof Readiness>;

export type ReadinessDeps = {
  db: Database;
  registry: Registry;
  /** True once shutdown began: traffic must go elsewhere while in-flight requests finish. */
  shuttingDown: () => boolean;
  /** The sources' health, reported in the body: cached, probed at most once per interval. */
  sourceHealth: SourceHealth;
};

/**
 * Runs every check of this process concurrently: not shutting down, the database open and
 * answering, at least one card loaded; and reads the sources' health for the body.
 * Never throws; a check that throws is a failed check.
 */
export async function checkReadiness({ db, registry, shuttingDown, sourceHealth }: ReadinessDeps): Promise<Readiness> {
  const named: Array<[string, Promise<Check>]> = [
    ['shutdown', timed(() => (shuttingDown() ? 'shutting down: finishing in-flight requests' : undefined))],
    ['database', timed(() => checkDatabase(db))],
    ['cards', timed(() => (registry.size > 0 ? undefined : 'no card loaded: add queries to the queries folder'))],
  ];
  const sources = sourceHealth.current().catch(() => ({}));
  const checks: Record<string, Check> = {};
  for (const [name, check] of named) checks[name] = await check;
  const failing = Object.keys(checks).filter((name) => !checks[name]!.ok);
  return { status: failing.length === 0 ? 'ready' : 'not ready', failing, checks, sources: await sources };
}

function checkDatabase(db: Database): string | undefined {
  if (!db.isOpen()) return 'closed';
  const rows = db.all<{ ok: number }>('SELECT 1 AS ok');
  return rows[0]?.ok === 1 ? undefined : `expected SELECT 1 to return 1, received ${JSON.stringify(rows)}`;
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
