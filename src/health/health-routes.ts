// GET /healthz (the process is alive) and GET /readyz (it can serve card requests now), for probes; the app checks the method.
import { json } from '../http/respond.ts';
import type { Readiness } from './readiness.ts';

const NO_STORE = { 'cache-control': 'no-store' };

/** Liveness answers 200 whenever the process can answer at all; restarting it would not help otherwise. */
export function handleHealthz(): Response {
  return json({ status: 'alive' }, 200, NO_STORE);
}

/** Readiness answers 200 when every check passes, else 503 with the body naming what is not ready. */
export function createReadyzRoute(check: () => Promise<Readiness>) {
  return async function handleReadyz(): Promise<Response> {
    const readiness = await check();
    return json(readiness, readiness.status === 'ready' ? 200 : 503, NO_STORE);
  };
}
