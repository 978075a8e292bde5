import type { RunState, TaskState } from '../runState';
import { plural } from './plural';

/**
 * Why a run ended the way it did and what to do next, from folded state only: the CLI report, the
 * VS Code notification and the dashboard header all say the same thing.
 */
export interface RunOutcome {
  /** configuration: the endpoint, model or key is wrong (exit 2); the others follow the run's status. */
  kind: 'running' | 'succeeded' | 'configuration' | 'plan' | 'tasks' | 'escalated' | 'stopped';
  headline: string;
  cause: string | null;
  nextStep: string | null;
}

/** Where the next step will be taken: its commands are phrased for that surface. */
export type OutcomeSurface = 'cli' | 'vscode';

/** Model errors that no retry fixes: the endpoint, the key or the model name must change. */
const CONFIGURATION_ERRORS: ReadonlySet<string> = new Set(['network', 'auth', 'badRequest']);

export function describeRunOutcome(state: RunState, surface: OutcomeSurface = 'cli'): RunOutcome {
  const run = state.runId ?? 'RUN';
  const merged = state.tasks.filter((t) => t.status === 'merged').length;
  const tasksText = `${merged} of ${state.tasks.length} ${plural(state.tasks.length, 'task')} merged`;
  const say = (cli: string, vscode: string) => (surface === 'cli' ? cli : vscode);
  switch (state.status) {
    case 'idle':
    case 'planning':
    case 'running':
      return { kind: 'running', headline: `Run ${run} is ${state.status === 'idle' ? 'starting' : state.status} (${tasksText})`, cause: null, nextStep: null };
    case 'succeeded':
      return {
        kind: 'succeeded',
        headline: `Run ${run} succeeded: ${tasksText}`,
        cause: null,
        nextStep: state.integrationBranch
          ? say(
              `the result is on ${state.integrationBranch}; bring it into your branch with: loom merge ${run}`,
              `the result is on ${state.integrationBranch}; bring it into your branch with "Loom: Merge Result into My Branch"`,
            )
          : null,
      };
    case 'escalated': {
      const open = state.escalations.filter((e) => e.resolution === null);
      const first = open[0];
      return {
        kind: 'escalated',
        headline: `Run ${run} needs you: ${open.length} ${plural(open.length, 'question')} open (${tasksText})`,
        cause: open.map((e) => `${e.escalationId} (${e.kind}): ${e.question}`).join('; ') || null,
        nextStep: first
          ? say(
              `answer ${first.escalationId}: loom resolve ${run} ${first.escalationId} --choice ${first.options.join('|') || 'CHOICE'}`,
              `answer ${first.escalationId} in the dashboard's Escalations tab or with "Loom: Resolve Escalation"`,
            )
          : null,
      };
    }
    case 'stopped': {
      const waiting = state.tasks.filter((t) => t.status === 'waiting');
      return {
        kind: 'stopped',
        headline: `Run ${run} stopped (${tasksText})`,
        cause: waiting.length
          ? `${waiting.map((t) => t.task.id).join(', ')} ${waiting.length === 1 ? 'waits' : 'wait'} to start from the resolved integration branch`
          : (stopCause(state) ?? 'it was stopped before every task finished'),
        nextStep: say(`continue it with: loom resume ${run}`, 'continue it with "Resume" in the Runs view'),
      };
    }
    case 'failed':
      return failedOutcome(state, run, tasksText, say);
  }
}

function failedOutcome(state: RunState, run: string, tasksText: string, say: (cli: string, vscode: string) => string): RunOutcome {
  const headline = `Run ${run} failed: ${tasksText}`;
  if (state.tasks.length === 0) {
    const coordinator = [...state.agents].reverse().find((a) => a.role === 'coordinator');
    const outcome = coordinator?.outcome?.kind === 'completed' ? null : (coordinator?.outcome ?? null);
    const message = outcome?.message ?? null;
    if (outcome?.kind === 'modelError' && CONFIGURATION_ERRORS.has(outcome.errorKind ?? '')) {
      return {
        kind: 'configuration',
        headline,
        cause: `the coordinator could not use the model: ${message}`,
        nextStep: say(
          'check the endpoint and model (--base-url/LOOM_BASE_URL, --model/LOOM_MODEL) and the key (LOOM_API_KEY or OPENAI_API_KEY), then run again',
          'check the endpoint, model and key with "Loom: Choose Model…" and "Loom: Set API Key", then start the plan again',
        ),
      };
    }
    const planErrors = state.planErrors.at(-1);
    return {
      kind: 'plan',
      headline,
      cause: planErrors?.length
        ? `the coordinator's plan failed validation ${state.planErrors.length} ${plural(state.planErrors.length, 'time')}: ${planErrors.join('; ')}`
        : `no plan: ${message ?? 'the coordinator ended without one'}`,
      nextStep: 'make the requirements and acceptance criteria of the spec more specific, or use a stronger model, then run again',
    };
  }
  const failed = state.tasks.filter((t) => t.status === 'failed' || t.status === 'blocked');
  return {
    kind: 'tasks',
    headline,
    cause: failed.length ? failed.map(taskCause).join('; ') : (stopCause(state) ?? 'the run ended before every task merged'),
    nextStep: say(
      `the failed tasks' worktrees are kept for you to inspect (loom status ${run}); fix the spec or raise the budget and run again; loom clean ${run} removes them`,
      `the failed tasks' worktrees are kept: open their diffs and findings from the Agents view; fix the spec or raise the budget and start again; "Loom: Clean Up Run" removes them`,
    ),
  };
}

function taskCause(task: TaskState): string {
  const errors = task.findings.filter((f) => f.severity === 'error');
  const why = task.failureReason ?? (errors.length ? `${errors.length} error ${plural(errors.length, 'finding')}: ${errors[0]!.message}` : 'failed');
  return `${task.task.id} ${task.status === 'blocked' ? 'blocked' : 'failed'} (${why})`;
}

/** A stop the run made itself: an agent whose budget ran out. */
function stopCause(state: RunState): string | null {
  const budget = state.agents.find((a) => a.outcome?.kind === 'budgetExceeded');
  return budget?.outcome ? `${budget.agentId}: ${budget.outcome.message}` : null;
}
