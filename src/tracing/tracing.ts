// Tracing through @opentelemetry/api only: spans when an SDK was started (sdk.ts), a boolean check and nothing else when not.
import { context, propagation, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Span } from '@opentelemetry/api';

export { SpanKind };

let enabled = false;

/** Whether spans are recorded: set once by `startTracing` (sdk.ts). Hot paths check it before allocating anything for tracing. */
export function tracingEnabled(): boolean {
  return enabled;
}

/** Called by the SDK module once its provider is registered (and by its shutdown). */
export function setTracingEnabled(value: boolean): void {
  enabled = value;
}

const tracer = () => trace.getTracer('cardql');

/**
 * Runs `work` in a new active span (a child of the current one), ended when `work` settles; a
 * thrown error is recorded and rethrown. Attributes are ids, keys, names and statuses only: never
 * customer data. Callers check `tracingEnabled()` first, so that tracing off costs no closure.
 */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A parent that is not sampled: under the SDK's default (parent-based) sampler, spans made beneath it are neither recorded nor exported. */
const UNSAMPLED = { traceId: '00000000000000000000000000c0ffee', spanId: '00000000000c0ffe', traceFlags: TraceFlags.NONE };

/** Runs `work` with no span of it recorded: what cardql does for itself (the warm-up) is not a trace of Plain's requests. */
export function untraced<T>(work: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpanContext(context.active(), UNSAMPLED), work);
}

/** Marks a span failed with a short reason (no customer data: callers pass a code or an outcome). */
export function markFailed(span: Span, reason: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
}

/**
 * Sends one HTTP request to a source as a CLIENT span, its headers carrying W3C `traceparent` (and
 * `tracestate`) to the upstream, so that the source's own traces join ours. Attributes: the source,
 * the method, the status; not the URL's query or the body.
 */
export function tracedRequest<T extends { status: number }>(source: string, headers: Record<string, string>, send: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  return inSpan(
    `POST ${source}`,
    { 'cardql.source': source, 'http.request.method': 'POST' },
    async (span) => {
      const carried = { ...headers };
      propagation.inject(context.active(), carried);
      const response = await send(carried);
      span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 500) markFailed(span, `HTTP ${response.status}`);
      return response;
    },
    SpanKind.CLIENT,
  );
}
