import { context, trace, SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import type { RunEvent } from '../../protocol/events';
import type { Usage } from '../../protocol/usage';
import { costUsd } from '../../protocol/pricing';
import { ATTR } from './genAiAttributes';

/**
 * Projects a run's journal onto GenAI spans: `invoke_workflow loom` for the run, `plan` and
 * `invoke_agent {agent}` per agent, `chat {model}` per model response and `execute_tool {tool}` per
 * tool call, each at its journaled time. Semantic events (findings, loops, budgets, conflicts,
 * escalations) become span events, so they are first-class in any trace viewer (failure mode 9).
 * Because it reads only the journal, a past run exports exactly as a live one.
 */
export function emitJournalSpans(tracer: Tracer, events: readonly RunEvent[]): number {
  const start = events.find((e): e is Extract<RunEvent, { type: 'run/didStart' }> => e.type === 'run/didStart');
  if (!start) return 0;
  // Costs at the prices the run journaled (its budgets used them), not the defaults.
  const prices = start.settings?.prices;
  let count = 0;
  const open = (name: string, kind: SpanKind, startTime: number, parent: Span | null, attributes: Record<string, string | number | string[]>) => {
    count++;
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
    return tracer.startSpan(name, { kind, startTime, attributes }, ctx);
  };

  const root = open('invoke_workflow loom', SpanKind.INTERNAL, start.ts, null, {
    [ATTR.operation]: 'invoke_workflow',
    [ATTR.runId]: start.runId,
    [ATTR.requestModel]: start.model,
  });
  const agents = new Map<string, Span>();
  const models = new Map<string, string>();
  let endTs = start.ts;

  for (const e of events) {
    endTs = Math.max(endTs, e.ts);
    const agentSpan = 'agentId' in e && e.agentId !== undefined ? agents.get(e.agentId) : undefined;
    switch (e.type) {
      case 'agent/didStart': {
        const op = e.role === 'coordinator' ? 'plan' : 'invoke_agent';
        models.set(e.agentId, e.model);
        agents.set(
          e.agentId,
          open(`${op} ${e.agentId}`, SpanKind.INTERNAL, e.ts, root, {
            [ATTR.operation]: op,
            [ATTR.agentId]: e.agentId,
            [ATTR.agentName]: e.role,
            [ATTR.role]: e.role,
            [ATTR.requestModel]: e.model,
            [ATTR.conversationId]: `${start.runId}/${e.agentId}`,
            ...(e.taskId ? { [ATTR.taskId]: e.taskId } : {}),
          }),
        );
        break;
      }
      case 'model/didRespond': {
        const cost = costUsd(e.model, e.usage, prices);
        const span = open(`chat ${models.get(e.agentId) ?? e.model}`, SpanKind.CLIENT, e.startedAt, agentSpan ?? root, {
          [ATTR.operation]: 'chat',
          [ATTR.provider]: 'openai',
          [ATTR.requestModel]: models.get(e.agentId) ?? e.model,
          [ATTR.responseModel]: e.model,
          [ATTR.finishReasons]: [e.finishReason],
          [ATTR.inputTokens]: e.usage.inputTokens,
          [ATTR.outputTokens]: e.usage.outputTokens,
          ...cacheRead(e.usage),
          [ATTR.agentId]: e.agentId,
          ...(cost === null ? {} : { [ATTR.cost]: cost }),
        });
        span.end(e.startedAt + e.durationMs);
        break;
      }
      case 'model/didFail':
        (agentSpan ?? root).addEvent('loom.model.fault', { [ATTR.errorType]: e.errorKind, 'loom.retry': e.willRetry, message: e.message }, e.ts);
        break;
      case 'tool/didCall': {
        const span = open(`execute_tool ${e.tool}`, SpanKind.INTERNAL, e.startedAt, agentSpan ?? root, {
          [ATTR.operation]: 'execute_tool',
          [ATTR.toolName]: e.tool,
          [ATTR.toolCallId]: e.callId,
          [ATTR.mcpServer]: e.server,
          ...(e.ok ? {} : { [ATTR.errorType]: 'tool_error' }),
        });
        if (!e.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: e.summary });
        span.end(e.startedAt + e.durationMs);
        break;
      }
      case 'agent/didWarn':
        (agentSpan ?? root).addEvent(`loom.${e.kind}`, { message: e.message }, e.ts);
        break;
      case 'agent/didFinish': {
        if (!agentSpan) break;
        const cost = costUsd(models.get(e.agentId) ?? '', e.usage, prices);
        agentSpan.setAttributes({ [ATTR.inputTokens]: e.usage.inputTokens, [ATTR.outputTokens]: e.usage.outputTokens, ...cacheRead(e.usage), 'loom.outcome': e.outcome.kind, ...(cost === null ? {} : { [ATTR.cost]: cost }) });
        if (e.outcome.kind !== 'completed') {
          agentSpan.setAttribute(ATTR.errorType, e.outcome.kind);
          agentSpan.setStatus({ code: SpanStatusCode.ERROR, message: e.outcome.message });
        }
        agentSpan.end(e.ts);
        agents.delete(e.agentId);
        break;
      }
      case 'verify/didFinish':
        root.addEvent('loom.verification', { [ATTR.taskId]: e.taskId, passed: e.passed, findings: e.findings.map((f) => `${f.severity} ${f.rule}`) }, e.ts);
        break;
      case 'conflict/didDetect':
        root.addEvent('loom.conflict', { tasks: [...e.taskIds], files: e.files.map((f) => f.path) }, e.ts);
        break;
      case 'conflict/didPredict':
        root.addEvent('loom.conflict.predicted', { tasks: [e.taskId, e.otherTaskId ?? 'integration'], files: e.files.map((f) => f.path) }, e.ts);
        break;
      case 'task/didWait':
        root.addEvent('loom.task.wait', { [ATTR.taskId]: e.taskId, escalation: e.escalationId }, e.ts);
        break;
      case 'conflict/didClear':
        break;
      case 'escalation/didOpen':
        root.addEvent('loom.escalation', { id: e.escalationId, kind: e.kind, question: e.question }, e.ts);
        break;
      case 'task/didFail':
        root.addEvent('loom.task.failed', { [ATTR.taskId]: e.taskId, reason: e.reason }, e.ts);
        break;
      case 'run/didFinish':
        root.setAttribute('loom.run.status', e.status);
        if (e.status === 'failed') root.setStatus({ code: SpanStatusCode.ERROR });
        break;
      case 'checkpoint/didCommit':
      case 'escalation/didResolve':
      case 'effect/didAbandon':
      case 'effect/willApply':
      case 'finding/didReview':
      case 'lease/didCreate':
      case 'lease/didRemove':
      case 'mcp/didFail':
      case 'mcp/didRestart':
      case 'mcp/didStart':
      case 'merge/didMerge':
      case 'plan/didAccept':
      case 'plan/didFailValidation':
      case 'policy/didDecide':
      case 'run/didResume':
      case 'run/didStart':
      case 'setup/didRun':
      case 'spec/didParse':
      case 'task/didBlock':
      case 'task/didReport':
      case 'task/didStart':
      case 'task/didSucceed':
      case 'tests/didFreeze':
      case 'verify/didCheck':
        break;
    }
  }
  // Agents still running when the journal ends (a crash) close at the last event.
  for (const span of agents.values()) span.end(endTs);
  root.end(endTs);
  return count;
}

/** The cache-read attribute, only when the provider reported cached tokens. */
function cacheRead(usage: Usage): Record<string, number> {
  return usage.cachedInputTokens === undefined ? {} : { [ATTR.cacheReadInputTokens]: usage.cachedInputTokens };
}
