import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBody, EventOf, RunEvent } from '../../protocol/events';
import type { RunState } from '../../protocol/runState';
import { gitOut, mergeBase } from '../workspace/git';
import { completeManualMerge, startManualMerge, type ManualMerge } from './manualMerge';
import type { MergeGateInput } from './mergeGate';
import { ESCALATION_CHOICES, EscalationError, resolveEscalation, type EscalationChoice, type MergeAgentRunner } from './resolveEscalation';

export type { MergeAgentRunner };
import type { RunPaths } from './runPaths';
import { DEFAULT_RUN_SETTINGS, type RunOptions } from './runOptions';

export interface EscalationServiceDeps {
  paths: RunPaths;
  /** The run's state now (the fold of its journal, kept by the caller's single writer). */
  state: () => RunState;
  /** Journals an event through the caller's single writer (and folds it into state()). */
  append: (body: EventBody) => RunEvent;
  /** What the merge gate needs to run checks on a person's merge. */
  gate: Pick<MergeGateInput, 'options' | 'runDir'>;
  mergeAgent?: MergeAgentRunner;
}

export type ConflictAnswer = { kind: 'resolved'; state: RunState } | { kind: 'manualMergeStarted'; merge: ManualMerge };

/**
 * The one way a person's answer to a conflict reaches the engine, for the CLI, the extension and
 * the run's own process, with one vocabulary of choices (ESCALATION_CHOICES):
 * - ours / theirs: the named side's version of each conflicted file lands (the other's is said lost);
 * - mergeAgent: a merge agent resolves it, through the merge gate;
 * - manual: the conflicted merge is checked out in a lease of its own for the person (VS Code's
 *   merge editor, or any editor after `loom resolve`); completeManual lands it through the same gate.
 */
export class EscalationService {
  private readonly manualMerges = new Map<string, ManualMerge>();

  constructor(private readonly deps: EscalationServiceDeps) {}

  async answer(escalationId: string, choice: string, by: string): Promise<ConflictAnswer> {
    if (!(ESCALATION_CHOICES as readonly string[]).includes(choice)) throw new EscalationError(`choice must be one of ${ESCALATION_CHOICES.join(', ')}`);
    if (choice === 'manual') return { kind: 'manualMergeStarted', merge: await this.startManual(escalationId) };
    const state = this.deps.state();
    await resolveEscalation(
      { repo: this.repo(state), scratchRoot: this.deps.paths.scratch, state, append: this.deps.append, mergeAgent: this.deps.mergeAgent },
      escalationId,
      choice as EscalationChoice,
      by,
    );
    return { kind: 'resolved', state: this.deps.state() };
  }

  async startManual(escalationId: string): Promise<ManualMerge> {
    const merge = await startManualMerge(this.manualDeps(), escalationId);
    this.manualMerges.set(escalationId, merge);
    return merge;
  }

  /** Lands a person's merge through the merge gate; refused (the checkout kept) with what failed. */
  async completeManual(escalationId: string, by: string): Promise<RunState> {
    const merge = this.manualMerges.get(escalationId) ?? (await this.checkedOutMerge(escalationId));
    await completeManualMerge(this.manualDeps(), merge, by);
    this.manualMerges.delete(escalationId);
    return this.deps.state();
  }

  /** A manual merge another process started (`loom resolve RUN ESC manual`, then `--complete`): found from the journal. */
  private async checkedOutMerge(escalationId: string): Promise<ManualMerge> {
    const state = this.deps.state();
    const escalation = state.escalations.find((e) => e.escalationId === escalationId);
    const worktree = join(this.deps.paths.worktrees, `merge-${escalationId}`);
    const held = state.tasks.find((t) => t.task.id === escalation?.taskIds[escalation.taskIds.length - 1]);
    if (!escalation || !held?.headCommit || !existsSync(worktree)) {
      throw new EscalationError(`${escalationId} has no merge checked out: start one first (choice manual)`);
    }
    // The lease's HEAD is the integration head it was checked out at; the merge itself is uncommitted.
    const start = (await gitOut(worktree, ['rev-parse', 'HEAD'])).trim();
    return {
      escalationId,
      worktree,
      files: escalation.files.map((f) => f.path),
      base: await mergeBase(this.repo(state), start, held.headCommit),
      ours: start,
      theirs: held.headCommit,
      heldTaskId: held.task.id,
    };
  }

  private manualDeps() {
    const state = this.deps.state();
    return { state, worktreesRoot: this.deps.paths.worktrees, append: this.deps.append, gate: { ...this.deps.gate, runId: state.runId! } };
  }

  private repo(state: RunState): string {
    if (!state.repo) throw new EscalationError(`the journal of ${state.runId} does not say which repository it ran on`);
    return state.repo;
  }
}

/**
 * The merge gate's settings for a run answered from its journal alone (`loom resolve`, a reopened
 * run in VS Code): the allowlist and timeout the run journaled at its start, the given bundle.
 */
export function gateFromJournal(events: readonly RunEvent[], paths: RunPaths, bundle: RunOptions['bundle']): EscalationServiceDeps['gate'] {
  const started = events.find((e): e is EventOf<'run/didStart'> => e.type === 'run/didStart');
  const settings = started?.settings;
  return {
    runDir: paths.runDir,
    options: {
      repo: started?.repo ?? '',
      bundle,
      commandAllowlist: settings?.commandAllowlist ?? [...DEFAULT_RUN_SETTINGS.commandAllowlist],
      commandTimeoutMs: settings?.commandTimeoutMs ?? DEFAULT_RUN_SETTINGS.commandTimeoutMs,
    },
  };
}
