import type { RunEvent } from '../../protocol/events';
import type { SimulatorRequest } from '../simulator/simulatorServer';
import { verdict, type Drill, type DrillContext } from './drill';
import { coordinator, eventsOf, PASS_VERDICT, planTask, reportDone, valueSource, writeFile } from './drillScript';

const BUDGET = 2_000;
const BREAKER_FAILURES = 2;

interface CostEvidence {
  /** The run whose task reaches its token budget. */
  budget: { events: RunEvent[]; requests: readonly SimulatorRequest[] };
  /** The run whose model fails every call, so the circuit breaker trips. */
  breaker: { events: RunEvent[] };
}

/**
 * Failure mode 5: spending without end. A task's budget is checked before each call (and caps each
 * answer with max_tokens); reaching it opens a budget escalation, refused here, so the task ends with
 * its budget named. And a run whose agents keep failing trips the circuit breaker: it pauses on a
 * circuitBreaker escalation, stopped here, so nothing else starts.
 */
export const costExplosion: Drill<CostEvidence> = {
  mode: 5,
  name: 'cost explosion',
  expected: `a ${BUDGET}-token task budget stops the agent before its next call (budgetExceeded, within budget, max_tokens capped) and opens a budget escalation; refused, the task fails naming the budget. ${BREAKER_FAILURES} failures in a row trip the circuit breaker: the run pauses on an escalation; stopped, the waiting task never starts`,
  async exercise(ctx) {
    return { budget: await budgetRun(ctx), breaker: await breakerRun(ctx) };
  },
  judge({ budget, breaker }) {
    const { events, requests } = budget;
    const finish = eventsOf(events, 'agent/didFinish').find((f) => f.agentId === 'impl-spendy-1');
    const used = finish ? finish.usage.inputTokens + finish.usage.outputTokens : 0;
    const calls = requests.filter((r) => r.agentId === 'impl-spendy-1');
    const caps = calls.map((r) => maxTokensOf(r.body));
    const escalation = eventsOf(events, 'escalation/didOpen').find((e) => e.kind === 'budget' || e.action?.kind === 'extendBudget');
    const answer = escalation && eventsOf(events, 'escalation/didResolve').find((r) => r.escalationId === escalation.escalationId);
    const failure = eventsOf(events, 'task/didFail').find((f) => f.taskId === 'spendy');

    const trip = eventsOf(breaker.events, 'escalation/didOpen').find((e) => e.kind === 'circuitBreaker');
    const tripAnswer = trip && eventsOf(breaker.events, 'escalation/didResolve').find((r) => r.escalationId === trip.escalationId);
    const waitingStarted = eventsOf(breaker.events, 'agent/didStart').some((a) => a.taskId === 'waiting');
    const runEnd = eventsOf(breaker.events, 'run/didFinish').at(-1);
    return verdict(
      `impl-spendy-1 ${finish?.outcome.kind ?? 'never finished'} at ${used}/${BUDGET} tokens after ${calls.length} call(s) (max_tokens ${caps.join(', ')}); ${escalation ? `escalation ${escalation.escalationId} (${escalation.kind}) answered ${answer?.choice ?? 'never'}` : 'no budget escalation'}; task ${failure ? `failed: ${failure.reason}` : 'did not fail'}. Breaker: ${trip ? `${trip.escalationId} "${trip.question}" answered ${tripAnswer?.choice ?? 'never'}` : 'never tripped'}; the waiting task ${waitingStarted ? 'started' : 'never started'}; run ${runEnd?.status ?? 'unfinished'}`,
      {
        'the agent stopped with outcome budgetExceeded': finish?.outcome.kind === 'budgetExceeded',
        'it stayed within its budget': !!finish && used <= BUDGET,
        'the call over budget was never made': calls.length === 1,
        'every call capped its answer with max_tokens within the budget': caps.length > 0 && caps.every((c) => c !== null && c <= BUDGET),
        'a budget escalation was opened': !!escalation,
        'refused, the task failed naming its budget': new RegExp(`budget of ${BUDGET}`).test(failure?.reason ?? ''),
        'the failures in a row tripped the circuit breaker (an escalation)': !!trip,
        'stopped, the run ended stopped and the waiting task never started': tripAnswer?.choice === 'stop' && runEnd?.status === 'stopped' && !waitingStarted,
      },
    );
  },
};

function budgetRun(ctx: DrillContext) {
  return ctx.run({
    files: { 'src/spendy.js': valueSource(0) },
    requirements: ['spendy'],
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
  });
}

/** `broken`'s model answers 500 to every call, its attempt and its resume; `waiting` comes after it (one task at a time). */
function breakerRun(ctx: DrillContext) {
  const fault = { fault: { kind: 'server' as const, status: 500 } };
  return ctx.run({
    files: { 'src/broken.js': valueSource(0), 'src/waiting.js': valueSource(0) },
    requirements: ['broken', 'waiting'],
    answers: { circuitBreaker: 'stop' },
    options: { concurrency: 1, limits: { breaker: { consecutiveFailures: BREAKER_FAILURES } } },
    scenario: {
      name: 'drill-5-circuit-breaker',
      agents: [
        coordinator([planTask('broken', 'R1', ['src/broken.js'], null), planTask('waiting', 'R2', ['src/waiting.js'], null)]),
        { match: { role: 'implementor', task: 'broken' }, turns: Array.from({ length: 12 }, () => fault) },
        { match: { role: 'implementor', task: 'waiting' }, turns: [{ toolCalls: [writeFile('src/waiting.js', valueSource(1))] }, { toolCalls: [reportDone('waiting is 1', ['src/waiting.js'])] }] },
        { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
      ],
    },
  });
}

function maxTokensOf(body: string | undefined): number | null {
  if (!body) return null;
  const parsed = JSON.parse(body) as { max_tokens?: number; max_completion_tokens?: number };
  return parsed.max_completion_tokens ?? parsed.max_tokens ?? null;
}
