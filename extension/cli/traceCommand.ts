import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { RunEvent } from '../protocol/events';
import { readJournal } from '../engine/journal/journalReader';
import { exportRunTrace, tracesUrl } from '../engine/telemetry/exportRunTrace';
import { loomHome, runPaths } from '../engine/run/runPaths';
import { UsageError } from './usageError';

/** `loom trace RUN --otlp URL`: exports a past run's journal as OpenTelemetry GenAI spans. */
export async function traceCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { otlp: { type: 'string' }, 'loom-home': { type: 'string' } }, allowPositionals: true, strict: true });
  const runId = positionals[0];
  if (!runId) throw new UsageError('needs a run id (loom runs lists them)');
  const url = otlpEndpoint(values.otlp);
  if (!url) throw new UsageError('needs --otlp URL (or OTEL_EXPORTER_OTLP_ENDPOINT), e.g. http://127.0.0.1:4318 for a local collector or Jaeger');
  const journal = runPaths(values['loom-home'] ? resolve(values['loom-home']) : loomHome(), runId).journal;
  if (!existsSync(journal)) throw new UsageError(`no journal for run ${runId} at ${journal}`);
  return (await exportTrace(readJournal(journal).events, url, print)) ? 0 : 1;
}

/** --otlp wins over the standard OpenTelemetry variable. */
export function otlpEndpoint(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined;
}

/** An export that fails is reported, never fatal: the journal keeps everything. */
export async function exportTrace(events: readonly RunEvent[], url: string, print: (line: string) => void): Promise<boolean> {
  try {
    const spans = await exportRunTrace(events, { url });
    print(`Exported ${spans} spans to ${tracesUrl(url)}`);
    return true;
  } catch (err) {
    print(`warning: could not export the trace to ${tracesUrl(url)}: ${(err as Error)?.message ?? String(err)}`);
    return false;
  }
}
