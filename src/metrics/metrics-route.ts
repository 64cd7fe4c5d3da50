// GET /metrics: the app's registry in Prometheus text format, open unless a scrape token is configured.
import { HttpError } from '../http/http-error.ts';
import { verifyBearer } from '../http/verify.ts';
import type { Metrics } from './metrics.ts';

/**
 * Serves the metrics. They hold no customer data (labels are card keys, source names, routes and
 * statuses), so they are open by default like most scrape targets; with `token` set (for a service
 * reachable from the internet), a scrape needs `Authorization: Bearer <token>`.
 */
export function createMetricsRoute({ metrics, token }: { metrics: Metrics; token: string | undefined }) {
  return async function handleMetrics(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `Expected GET, received ${request.method}`, { allow: 'GET, HEAD' });
    }
    if (token) verifyBearer(request.headers.get('authorization'), token, 'cardql metrics');
    const body = await metrics.registry.metrics();
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
    });
  };
}
