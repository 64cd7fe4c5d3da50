// GET /metrics: the app's registry in Prometheus text format. Gated by the app (open on loopback, else a token).
import type { Metrics } from './metrics.ts';

/**
 * Serves the metrics. They hold no customer data (labels are card keys, source names, routes and
 * statuses); who may scrape them is the app's gate (docs/security.md).
 */
export function createMetricsRoute({ metrics }: { metrics: Metrics }) {
  return async function handleMetrics(request: Request): Promise<Response> {
    const body = await metrics.registry.metrics();
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
    });
  };
}
