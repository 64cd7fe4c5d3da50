// Starts the OpenTelemetry SDK when tracing is configured (OTEL_* variables): loaded with a dynamic import, so never when it is off.
import type { TracingConfig } from '../config.ts';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { setTracingEnabled } from './tracing.ts';

export type Tracing = {
  /** Exports the spans still buffered, then stops recording. */
  shutdown(): Promise<void>;
};

/**
 * Registers a global tracer provider (AsyncLocalStorage context, W3C trace-context propagation)
 * exporting to OTLP/HTTP or the console, batched; `exporter` replaces it (tests: an in-memory one,
 * exported span by span).
 */
export async function startTracing(config: TracingConfig, { exporter }: { exporter?: SpanExporter } = {}): Promise<Tracing> {
  const { NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  let processor;
  if (exporter) processor = new SimpleSpanProcessor(exporter);
  else if (config.exporter === 'console') processor = new BatchSpanProcessor(new ConsoleSpanExporter());
  else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    processor = new BatchSpanProcessor(new OTLPTraceExporter(config.url ? { url: config.url } : {}));
  }
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': config.serviceName }), spanProcessors: [processor] });
  provider.register();
  setTracingEnabled(true);
  return {
    async shutdown() {
      setTracingEnabled(false);
      await provider.shutdown();
    },
  };
}
