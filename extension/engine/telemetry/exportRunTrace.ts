import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { RunEvent } from '../../protocol/events';
import { emitJournalSpans } from './journalSpans';

/** The OTLP/HTTP traces URL from a collector base (`http://host:4318`) or a full `/v1/traces` URL. */
export function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return /\/v1\/traces$/.test(trimmed) || /\/otel$/.test(trimmed) ? trimmed : `${trimmed}/v1/traces`;
}

/** Exports a run's spans (from its journal) through OTLP/HTTP, or any exporter; resolves once flushed. */
export async function exportRunTrace(events: readonly RunEvent[], target: { url: string; headers?: Record<string, string> } | SpanExporter): Promise<number> {
  const exporter = 'export' in target ? target : new OTLPTraceExporter({ url: tracesUrl(target.url), headers: target.headers });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'loom' }),
    // Batched: one request per 512 spans instead of one per span (the exporter limits concurrent sends).
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, maxExportBatchSize: 512, scheduledDelayMillis: 100 })],
  });
  try {
    const count = emitJournalSpans(provider.getTracer('loom'), events);
    await provider.forceFlush();
    return count;
  } finally {
    await provider.shutdown();
  }
}
