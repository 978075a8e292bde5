import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { RunEvent } from '../../protocol/events';
import { foldEvents } from '../../protocol/reduce';
import { traceItemsByAgent } from '../../protocol/views/traceItems';
import { exportRunTrace } from '../telemetry/exportRunTrace';
import { verdict, type Drill } from './drill';
import { coordinator, PASS_VERDICT, planTask, readFile, reportDone, valueModule, valueSource, writeFile } from './drillScript';

interface TraceEvidence {
  events: RunEvent[];
  spans: ReadableSpan[];
}

/**
 * Failure mode 9: when something goes wrong, a trace of model and tool calls alone does not say
 * what. Findings, loops, budget stops and escalations are first-class: span events and agent span
 * errors in the OpenTelemetry trace, and items in the state every view (dashboard, report) folds.
 */
export const observabilityCollapse: Drill<TraceEvidence> = {
  mode: 9,
  name: 'observability collapse',
  expected: 'a finding, a loop, a budget stop and an escalation each appear in the OpenTelemetry trace (span events, an agent span with error.type) and on the dashboard folded from the journal (Traces and Escalations views)',
  async exercise(ctx) {
    const run = await ctx.run({
      files: { ...valueModule('noisy', 0, 8), 'src/spendy.js': valueSource(0) },
      requirements: ['noisy', 'spendy'],
      approvals: 'deny',
      // A person refuses the budget extension from another shell.
      answers: { budget: 'stop' },
      scenario: {
        name: 'drill-9-observability-collapse',
        agents: [
          coordinator([planTask('noisy', 'R1', ['src/noisy.js'], 'test/noisy.test.js'), { ...planTask('spendy', 'R2', ['src/spendy.js'], null), budgetTokens: 2_000 }]),
          { match: { role: 'implementor', task: 'noisy', attempt: 2 }, turns: [{ toolCalls: [writeFile('src/noisy.js', valueSource(8))] }, { toolCalls: [reportDone('noisy is 8', ['src/noisy.js'])] }] },
          {
            // Three identical reads (a loop nudge), then a wrong value (a finding).
            match: { role: 'implementor', task: 'noisy' },
            turns: [
              ...[1, 2, 3].map(() => ({ toolCalls: [readFile('src/noisy.js')] })),
              { toolCalls: [writeFile('src/noisy.js', valueSource(7))] },
              { toolCalls: [reportDone('noisy is 7', ['src/noisy.js'])] },
            ],
          },
          {
            match: { role: 'implementor', task: 'spendy' },
            turns: [{ toolCalls: [writeFile('src/spendy.js', valueSource(1))], usage: { inputTokens: 1_000, outputTokens: 900 } }, { toolCalls: [reportDone('never reached', ['src/spendy.js'])] }],
          },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    });
    // The spans `loom trace` and `loom run --otlp` export, caught on their way out.
    const spans: ReadableSpan[] = [];
    const collector: SpanExporter = {
      export: (batch, done) => {
        spans.push(...batch);
        done({ code: 0 });
      },
      shutdown: async () => undefined,
    };
    await exportRunTrace(run.events, collector);
    return { events: run.events, spans };
  },
  judge({ events, spans }) {
    const spanEvents = spans.flatMap((s) => s.events.map((e) => ({ name: e.name, attributes: e.attributes ?? {} })));
    const finding = spanEvents.find((e) => e.name === 'loom.verification' && e.attributes.passed === false && String(e.attributes.findings ?? '').includes('error'));
    const loop = spanEvents.find((e) => e.name === 'loom.loop');
    const budgetStop = spans.find((s) => s.name.startsWith('invoke_agent') && s.attributes['error.type'] === 'budgetExceeded');
    const escalation = spanEvents.find((e) => e.name === 'loom.escalation' && (e.attributes.kind === 'budget' || /budget/i.test(String(e.attributes.question ?? ''))));
    // The dashboard: the same fold, and the Traces view's projection the webview renders.
    const state = foldEvents(events);
    const items = [...traceItemsByAgent(state, events).values()].flat();
    const shown = {
      finding: items.some((i) => i.kind === 'check' && !i.event.passed),
      loop: items.some((i) => i.kind === 'warning' && i.event.kind === 'loop'),
      budget: state.agents.some((a) => a.outcome?.kind === 'budgetExceeded'),
      // The Escalations view lists the run's escalations from the fold.
      escalation: state.escalations.some((e) => e.kind === 'budget'),
    };
    const missing = Object.entries(shown).filter(([, ok]) => !ok).map(([what]) => what);
    return verdict(
      `${spans.length} spans; span events: ${[...new Set(spanEvents.map((e) => e.name))].join(', ') || 'none'}; budget stop ${budgetStop ? `on span "${budgetStop.name}"` : 'not on any span'}; dashboard traces: ${items.length} items, ${missing.length ? `missing ${missing.join(', ')}` : 'the failed check, the loop and the budget stop shown'}, ${state.escalations.length} escalation(s) listed`,
      {
        'a failing verification with its findings is a span event': !!finding,
        'the loop is a span event': !!loop,
        'the budget stop marks the agent span with error.type budgetExceeded': !!budgetStop,
        'the budget escalation is a span event': !!escalation,
        'the dashboard shows the failed check, the loop and the budget stop (Traces) and the escalation (Escalations)': missing.length === 0,
      },
    );
  },
};
