import type { PlanJob } from '../../protocol/workerMessages';
import { ModelError } from '../models/modelProvider';
import { createProvider } from '../models/createProvider';
import { planWithModel } from '../plan/planWithModel';
import { modelErrorOutcome } from './modelErrorOutcome';
import type { AgentJobContext, AgentJobEnd } from './agentJobContext';

/** The coordinator agent: spec in, validated plan out (one repair round), every response journaled. */
export async function runCoordinatorJob(job: PlanJob, ctx: AgentJobContext): Promise<AgentJobEnd> {
  const provider = createProvider(job.endpoint, ctx, job.budgetTokens);
  const ref = { agentId: job.agentId };
  let turn = 0;
  try {
    const result = await planWithModel({
      provider,
      spec: job.spec,
      repoFiles: job.repoFiles,
      ...(job.runnable ? { runnable: { ...job.runnable, repoFiles: job.repoFiles } } : {}),
      ...(job.coverage ? { coverage: job.coverage } : {}),
      signal: ctx.signal,
      onRetry: ({ attempt, error, delayMs }) =>
        ctx.emit({ type: 'model/didFail', ...ref, turn: turn + 1, errorKind: error.kind, message: error.message, attempt, willRetry: true, retryAfterMs: delayMs }),
      onResponse: (response, attempt, timing) => {
        turn = attempt;
        ctx.emit({
          type: 'model/didRespond',
          ...ref,
          model: response.model,
          turn: attempt,
          startedAt: timing.startedAt,
          durationMs: timing.durationMs,
          usage: response.usage,
          finishReason: response.finishReason,
          content: response.content,
          toolCalls: response.toolCalls,
        });
      },
      onAttempt: (info) => {
        if (!info.ok) ctx.emit({ type: 'plan/didFailValidation', attempt: info.attempt, errors: info.errors });
      },
    });
    if (result.ok) return { outcome: { kind: 'completed', message: `${result.plan.tasks.length} tasks planned`, next: 'none' }, usage: result.usage, output: result.plan };
    return {
      outcome: { kind: 'invalidResult', message: `the plan is still invalid after one repair round: ${result.errors.join('; ')}`, next: 'escalate' },
      usage: result.usage,
      output: null,
    };
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    ctx.emit({ type: 'model/didFail', ...ref, turn: turn + 1, errorKind: err.kind, message: err.message, attempt: 0, willRetry: false });
    return { outcome: modelErrorOutcome(err, 'escalate', 'planning failed'), usage: provider.usage, output: null };
  }
}
