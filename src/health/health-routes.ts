// GET /healthz (the process is alive) and GET /readyz (it can serve card requests now), for probes.
import { HttpError } from '../http/http-error.ts';
import { json } from '../http/respond.ts';
import type { Readiness } from './readiness.ts';

const NO_STORE = { 'cache-control': 'no-store' };

/** Liveness answers 200 whenever the process can answer at all; restarting it would not help otherwise. */
export function handleHealthz(request: Request): Response {
  assertGet(request);
  return json({ status: 'alive' }, 200, NO_STORE);
}

/** Readiness answers 200 when every check passes, else 503 with the body naming what is not ready. */
export function createReadyzRoute(check: () => Promise<Readiness>) {
  return async function handleReadyz(request: Request): Promise<Response> {
    assertGet(request);
    const readiness = await check();
    return json(readiness, readiness.status === 'ready' ? 200 : 503, NO_STORE);
  };
}

function assertGet(request: Request): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `Expected GET, received ${request.method}`, { allow: 'GET, HEAD' });
  }
}
