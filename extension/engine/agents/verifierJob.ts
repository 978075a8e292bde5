import type { VerifyJob } from '../../protocol/workerMessages';
import type { Verdict } from '../../protocol/verdict';
import { VERIFIED, verifierFailureText } from '../../protocol/views/agentVerdict';
import { countOf } from '../../protocol/views/plural';
import { ModelError } from '../models/modelProvider';
import { createProvider } from '../models/createProvider';
import { verifyTask } from '../verify/verifyTask';
import { modelErrorOutcome } from './modelErrorOutcome';
import { approveUnconfinedChecks } from './unconfinedChecks';
import type { AgentJobContext, AgentJobEnd } from './agentJobContext';

/**
 * The verifier agent: its own context (spec, task, diff, check results — never the implementor's
 * conversation), deterministic checks first, model judgment last.
 */
export async function runVerifierJob(job: VerifyJob, ctx: AgentJobContext): Promise<AgentJobEnd> {
  const provider = createProvider(job.endpoint, ctx, job.budgetTokens);
  const ref = { agentId: job.agentId, taskId: job.task.id };
  let turn = 0;
  if (job.sandbox.kind === 'none') {
    const refused = await approveUnconfinedChecks(job, ctx.askApproval, ctx.signal);
    if (refused.length > 0) {
      for (const finding of refused) ctx.emit({ type: 'verify/didCheck', taskId: job.task.id, check: 'approval', passed: false, detail: finding.message });
      const verdict: Verdict = { passed: false, findings: refused };
      return { outcome: { kind: 'completed', message: `${countOf(refused.length, 'check command')} not approved`, next: 'none' }, usage: { inputTokens: 0, outputTokens: 0 }, output: verdict };
    }
  }
  try {
    const output = await verifyTask({ ...job, sandbox: { spec: job.sandbox, runId: job.runId, agentId: job.agentId } }, {
      provider,
      signal: ctx.signal,
      onCheck: (check) => ctx.emit({ type: 'verify/didCheck', taskId: job.task.id, check: check.check, passed: check.passed, detail: check.detail }),
      onResponse: (round) => {
        turn++;
        ctx.emit({
          type: 'model/didRespond',
          ...ref,
          model: round.response.model,
          turn,
          startedAt: round.startedAt,
          durationMs: round.durationMs,
          usage: round.response.usage,
          finishReason: round.response.finishReason,
          content: round.response.content,
          toolCalls: round.response.toolCalls,
        });
      },
    });
    const verdict: Verdict = { passed: output.passed, findings: output.findings };
    return {
      outcome: { kind: 'completed', message: output.passed ? VERIFIED : verifierFailureText(output.findings.filter((f) => f.severity === 'error').length), next: 'none' },
      usage: output.usage,
      output: verdict,
    };
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    ctx.emit({ type: 'model/didFail', ...ref, turn: turn + 1, errorKind: err.kind, message: err.message, attempt: 0, willRetry: false });
    return { outcome: modelErrorOutcome(err, 'retry', 'judgment failed'), usage: provider.usage, output: null };
  }
}
