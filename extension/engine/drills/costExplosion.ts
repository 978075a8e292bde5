import type { RunEvent } from '../../protocol/events';
import type { SimulatorRequest } from '../simulator/simulatorServer';
import { verdict, type Drill } from './drill';
import { coordinator, eventsOf, PASS_VERDICT, planTask, reportDone, valueSource, writeFile } from './drillScript';

const BUDGET = 2_000;

/**
 * Failure mode 5: an agent that would spend without end. The task's budget is checked before each
 * call (and caps each answer with max_tokens); reaching it opens a budget escalation, which the
 * drill refuses, so the task ends with its budget named instead of spending on.
 */
export const costExplosion: Drill<{ events: RunEvent[]; requests: readonly SimulatorRequest[] }> = {
  mode: 5,
  name: 'cost explosion',
  expected: `a ${BUDGET}-token task budget stops the agent before its next call (budgetExceeded, within budget, max_tokens capped) and opens a budget escalation; refused, the task fails naming the budget`,
  exercise: (ctx) =>
    ctx.run({
      files: { 'src/spendy.js': valueSource(0) },
      requirements: ['spendy'],
      approvals: 'deny',
      // A person refuses the budget extension from another shell.
      answers: { budget: 'stop' },
      scenario: {
        name: 'drill-5-cost-explosion',
        agents: [
          coordinator([{ ...planTask('spendy', 'R1', ['src/spendy.js'], null), budgetTokens: BUDGET }]),
          {
            match: { role: 'implementor', task: 'spendy' },
            turns: [
              { toolCalls: [writeFile('src/spendy.js', valueSource(1))], usage: { inputTokens: 1_000, outputTokens: 900 } },
              { toolCalls: [reportDone('never reached: no budget is left for this call', ['src/spendy.js'])] },
            ],
          },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    }),
  judge({ events, requests }) {
    const finish = eventsOf(events, 'agent/didFinish').find((f) => f.agentId === 'impl-spendy-1');
    const used = finish ? finish.usage.inputTokens + finish.usage.outputTokens : 0;
    const calls = requests.filter((r) => r.agentId === 'impl-spendy-1');
    const caps = calls.map((r) => maxTokensOf(r.body));
    const escalation = eventsOf(events, 'escalation/didOpen').find((e) => e.kind === 'budget' || e.action?.kind === 'extendBudget');
    const answer = escalation && eventsOf(events, 'escalation/didResolve').find((r) => r.escalationId === escalation.escalationId);
    const failure = eventsOf(events, 'task/didFail').find((f) => f.taskId === 'spendy');
    return verdict(
      `impl-spendy-1 ${finish?.outcome.kind ?? 'never finished'} at ${used}/${BUDGET} tokens after ${calls.length} call(s) (max_tokens ${caps.join(', ')}); ${escalation ? `escalation ${escalation.escalationId} (${escalation.kind}${escalation.action ? ` ${escalation.action.kind}` : ''}) ${answer ? `answered ${answer.choice}` : 'unanswered'}` : 'no budget escalation'}; task ${failure ? `failed: ${failure.reason}` : 'did not fail'}`,
      {
        'the agent stopped with outcome budgetExceeded': finish?.outcome.kind === 'budgetExceeded',
        'it stayed within its budget': !!finish && used <= BUDGET,
        'the call over budget was never made': calls.length === 1,
        'every call capped its answer with max_tokens within the budget': caps.length > 0 && caps.every((c) => c !== null && c <= BUDGET),
        'a budget escalation was opened': !!escalation,
        'refused, the task failed naming its budget': new RegExp(`budget of ${BUDGET}`).test(failure?.reason ?? ''),
      },
    );
  },
};

function maxTokensOf(body: string | undefined): number | null {
  if (!body) return null;
  const parsed = JSON.parse(body) as { max_tokens?: number; max_completion_tokens?: number };
  return parsed.max_completion_tokens ?? parsed.max_tokens ?? null;
}
