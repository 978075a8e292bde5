import type { EventBody, RunEvent } from '../../protocol/events';
import { reduce } from '../../protocol/reduce';
import type { RunState } from '../../protocol/runState';
import { integrationBranch } from '../merge/integrate';
import { mergeTakingSide } from '../merge/takeSide';
import { effectKey, mergeIntent } from '../../protocol/effects';
import type { MergeAgentOutcome, SemanticFix } from './mergeAgentResolution';

export const ESCALATION_CHOICES = ['ours', 'theirs', 'mergeAgent', 'manual'] as const;
export type EscalationChoice = (typeof ESCALATION_CHOICES)[number];

/** Runs a merge agent on an open conflict; injected by whoever holds a model (the run, or `loom resolve --simulate`). */
export type MergeAgentRunner = (
  state: RunState,
  escalationId: string,
  oursTaskId: string,
  heldTaskId: string,
  branch: string,
  /** Journals an event and folds it into the state the resolution returns. */
  append: (body: EventBody) => RunEvent,
  /** A semantic conflict: the agent fixes the integration head instead of merging. */
  semantic?: SemanticFix,
) => Promise<MergeAgentOutcome>;

export class EscalationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EscalationError';
  }
}

/**
 * Applies a person's answer to a conflict escalation and journals it. `ours` keeps the integration
 * branch's version of each conflicted file, `theirs` the held task's; both merge the held task's other
 * changes; `mergeAgent` runs the injected merge agent (`manual` goes through the escalation service). When nothing is left open, the run
 * is finished again with its new status (the journal is append-only: the later event wins).
 */
export async function resolveEscalation(
  deps: {
    repo: string;
    scratchRoot: string;
    /** The run's state now: answered from memory, never by re-reading the journal. */
    state: RunState;
    append: (body: EventBody) => RunEvent;
    /** Runs a merge agent on the conflict; without it (no model at hand) `mergeAgent` is refused. */
    mergeAgent?: MergeAgentRunner;
  },
  escalationId: string,
  choice: EscalationChoice,
  by: string,
): Promise<RunState> {
  const state = deps.state;
  const escalation = state.escalations.find((e) => e.escalationId === escalationId);
  if (!escalation) throw new EscalationError(`run ${state.runId} has no escalation ${escalationId} (open ones: ${openIds(state) || 'none'})`);
  if (escalation.resolution) throw new EscalationError(`escalation ${escalationId} was already resolved (${escalation.resolution})`);
  if (escalation.kind !== 'conflict') throw new EscalationError(`escalation ${escalationId} is a ${escalation.kind} question; only conflicts are resolved this way`);
  if (!ESCALATION_CHOICES.includes(choice)) throw new EscalationError(`choice must be one of ${ESCALATION_CHOICES.join(', ')}`);

  const heldTaskId = escalation.taskIds[escalation.taskIds.length - 1];
  const held = state.tasks.find((t) => t.task.id === heldTaskId);
  if (!held?.headCommit || !held.branch) throw new EscalationError(`task ${heldTaskId} has no verified branch to merge`);
  const branch = state.integrationBranch ?? integrationBranch(state.runId!);

  let next = state;
  const append = (body: EventBody): RunEvent => {
    const event = deps.append(body);
    next = reduce(next, event);
    return event;
  };
  if (choice === 'manual') {
    throw new EscalationError(`a manual merge is started and completed through the escalation service (startManual, completeManual)`);
  } else if (choice === 'mergeAgent') {
    if (!deps.mergeAgent) throw new EscalationError('a merge agent needs a model: configure one (or --simulate SCENARIO) and try again');
    append(mergeIntent(heldTaskId, `merge agent for ${escalationId}`));
    const outcome = await deps.mergeAgent(state, escalationId, escalation.taskIds[0], heldTaskId, branch, append, semanticFixOf(state, escalation));
    if (!outcome.ok) {
      // The question stays open: the person still decides.
      append({ type: 'agent/didWarn', agentId: `merger-${escalationId}-1`, kind: 'merge', message: `merge agent could not resolve ${escalationId}: ${outcome.reason}` });
      append({ type: 'effect/didAbandon', key: effectKey.merge(heldTaskId), reason: `the merge agent could not resolve ${escalationId}` });
      return next;
    }
    append({ type: 'escalation/didResolve', escalationId, choice, by });
    append({ type: 'merge/didMerge', taskId: heldTaskId, branch, commit: outcome.commit, tier: 'mergeAgent' });
  } else {
    if (escalation.cause === 'semantic') throw new EscalationError(`${escalationId} is a semantic conflict: both tasks are merged, so there is no side to take; choose mergeAgent or manual (fix the integration branch by hand)`);
    append(mergeIntent(heldTaskId, `${choice} for ${escalationId}`));
    const { commit } = await mergeTakingSide({
      repo: deps.repo,
      scratchRoot: deps.scratchRoot,
      integrationBranch: branch,
      theirsCommit: held.headCommit,
      choice,
      message: `loom: merge ${heldTaskId}, taking ${choice === 'ours' ? 'the integration branch' : heldTaskId} for conflicted files (${escalationId}, ${by})`,
    });
    append({ type: 'escalation/didResolve', escalationId, choice, by });
    append({ type: 'merge/didMerge', taskId: heldTaskId, branch, commit, tier: 'person' });
    // Taking a side drops the other side's changes to those files: said, not silent.
    const kept = choice === 'ours' ? escalation.taskIds[0] : heldTaskId;
    const lost = choice === 'ours' ? heldTaskId : escalation.taskIds[0];
    append({ type: 'agent/didWarn', agentId: 'run', kind: 'merge', message: `${escalationId} (${choice}, ${by}): ${lostWork(escalation.files.map((f) => f.path), kept, lost)}` });
  }
  return settleRun(next, branch, append);
}

/**
 * When a person has answered every escalation, the run finishes again with its new status (the
 * journal is append-only: the later run/didFinish wins).
 */
export function settleRun(state: RunState, branch: string, append: (body: EventBody) => RunEvent): RunState {
  if (openIds(state) || (state.status !== 'escalated' && state.status !== 'succeeded')) return state;
  const failed = state.tasks.some((t) => t.status === 'failed' || t.status === 'blocked');
  const pendingManual = state.tasks.some((t) => t.status === 'conflicted');
  // Tasks that waited on the answered conflicts have not run yet: the run pauses for `loom resume`, it is not done.
  const waiting = state.tasks.some((t) => t.status === 'waiting');
  const event = append({
    type: 'run/didFinish',
    status: pendingManual ? 'escalated' : waiting ? 'stopped' : failed ? 'failed' : 'succeeded',
    integrationBranch: branch,
    integrationCommit: state.integrationCommit,
  });
  return reduce(state, event);
}

/** The failing check and files of a semantic conflict escalation; undefined for a textual one. */
export function semanticFixOf(state: RunState, escalation: RunState['escalations'][number]): SemanticFix | undefined {
  if (escalation.cause !== 'semantic') return undefined;
  const detected = [...state.conflicts].reverse().find((c) => c.cause === 'semantic' && c.taskIds.join(' ') === escalation.taskIds.join(' '));
  return { check: detected?.check ?? 'its check', files: escalation.files.map((f) => f.path) };
}

/** What a side choice keeps and drops, in the words the question and the report use. */
export function lostWork(files: readonly string[], kept: string, lost: string): string {
  return `kept ${kept}'s version of ${files.join(', ')}; ${lost}'s changes to ${files.length === 1 ? 'that file' : 'those files'} are lost (its other files are merged)`;
}

export function openIds(state: RunState): string {
  return state.escalations
    .filter((e) => !e.resolution)
    .map((e) => e.escalationId)
    .join(', ');
}

