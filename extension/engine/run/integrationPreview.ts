import type { Plan } from '../../protocol/plan';
import type { RunState, TaskStatus } from '../../protocol/runState';
import { integrate, moveIntegrationBranch, type IntegrateResult } from '../merge/integrate';
import { topologicalOrder } from '../plan/validatePlan';
import { findSemanticConflicts, sandboxedSemanticDeps, type AtHeadRuns } from './semanticCheck';
import type { RunContext } from './runContext';

const orderKey = (ordered: readonly { taskId: string; commit: string }[]) => ordered.map((o) => `${o.taskId}@${o.commit}`).join(' ');

/** Statuses that end a task's part in this round: nothing it does can change what integrates. */
const SETTLED: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['succeeded', 'failed', 'blocked']);

/**
 * The run's last stretch, ahead of time. Once every task has either settled or passed every
 * deterministic check with only its verifier's model judgment out, what the integration phase will do
 * if those verdicts pass is known: merge the verified tasks, then run their checks together on the
 * integration head. The preview merges them in memory (no branch moves) and runs those checks on that
 * head while the verdicts are out. The integration phase then finds the outcomes by the head's tree
 * (the same tree runs a check the same) instead of running them after the last verdict.
 *
 * A preview is only a head start: it journals nothing and moves no branch. A verdict that fails (or a
 * plan that integrates otherwise) makes another tree, which finds nothing here. It stops when one of
 * its tasks fails and when the run ends.
 */
export class IntegrationPreview {
  /** Shared with the integration phase's semantic check. */
  readonly atHeads: AtHeadRuns = new Map();
  /** Tasks whose checks passed and whose verdict is out, with the head being judged. */
  private readonly judging = new Map<string, string>();
  private running: { taskIds: ReadonlySet<string>; abort: AbortController; done: Promise<void> } | null = null;
  /** Every preview started, stopped or not: each is waited for before the run removes its worktrees. */
  private readonly started = new Set<Promise<void>>();
  /** The running preview's merge, made in memory: what integrating the same tasks in the same order would make. */
  private merging: Promise<{ ordered: string; result: IntegrateResult } | null> | null = null;

  constructor(
    private readonly ctx: RunContext,
    private readonly plan: Plan,
    private readonly state: () => RunState,
  ) {}

  /** `taskId`'s verifier passed every deterministic check at `headCommit`; its judgment is out. */
  judgmentPending(taskId: string, headCommit: string): void {
    this.judging.set(taskId, headCommit);
    if (this.running || this.ctx.signal.aborted) return;
    const merging = this.wouldMerge();
    if (!merging) return;
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, this.ctx.signal]);
    // A preview that fails leaves its work to the integration phase.
    const done = this.preview(merging, signal).catch(() => undefined);
    this.started.add(done);
    this.running = { taskIds: new Set(this.judging.keys()), abort, done };
  }

  /** `taskId`'s verdict is in (or its verifier ended without one): passed, it is settled; else a preview that counted on it stops. */
  verdictIn(taskId: string, passed: boolean): void {
    this.judging.delete(taskId);
    if (passed || !this.running?.taskIds.has(taskId)) return;
    this.stop();
  }

  /**
   * Integrates `ordered` with the preview's merge commits if it merged exactly these, in this order,
   * cleanly: the branch moves to its head if still where the preview found it. Null otherwise (the
   * caller integrates itself). Either way the preview is over when this returns: its runs finished
   * (the integration's semantic check reads them, and its re-runs alone are alone), or stopped.
   */
  async land(ordered: readonly { taskId: string; commit: string }[]): Promise<IntegrateResult | null> {
    const running = this.running;
    const made = await this.merging;
    this.merging = null;
    const landed = made && made.ordered === orderKey(ordered) ? await this.moveBranch(made.result) : null;
    if (!landed) this.stop();
    await running?.done;
    this.running = null;
    return landed;
  }

  /** Stops a preview still running and waits for every preview to let go of its checkout. */
  async dispose(): Promise<void> {
    this.stop();
    await Promise.all(this.started);
  }

  private stop(): void {
    this.running?.abort.abort();
    this.running = null;
    this.merging = null;
  }

  /** The integration branch moved to the preview's head as integrate() would move it; null when it cannot (integrate() then says why). */
  private async moveBranch(result: IntegrateResult): Promise<IntegrateResult | null> {
    return moveIntegrationBranch(this.ctx.options.repo, this.ctx.runId, result).then(
      () => result,
      () => null,
    );
  }

  /** What the integration phase will merge if every verdict out passes, in its order; null while a task is still at work. */
  private wouldMerge(): { taskId: string; commit: string }[] | null {
    const tasks = this.state().tasks;
    const heads = new Map<string, string>(this.judging);
    for (const t of tasks) {
      if (heads.has(t.task.id)) continue;
      // A task still at work, merged in an earlier round, or waiting on a person: not the last stretch.
      if (!SETTLED.has(t.status)) return null;
      if (t.status === 'succeeded' && t.headCommit) heads.set(t.task.id, t.headCommit);
    }
    if (heads.size < 2) return null;
    return topologicalOrder(this.plan)
      .filter((id) => heads.has(id))
      .map((id) => ({ taskId: id, commit: heads.get(id)! }));
  }

  private async preview(ordered: { taskId: string; commit: string }[], signal: AbortSignal): Promise<void> {
    this.merging = integrate(this.ctx.options.repo, { runId: this.ctx.runId, baseCommit: this.ctx.baseCommit, ordered, moveBranch: false }).then(
      // A conflict goes to the merge tiers first: what lands then is not known yet.
      (result) => (result.skipped.length > 0 ? null : { ordered: orderKey(ordered), result }),
      () => null,
    );
    const made = await this.merging;
    if (!made || signal.aborted) return;
    const merged = made.result;
    const acceptance = new Map(this.state().tasks.map((t) => [t.task.id, t.task.acceptance]));
    await findSemanticConflicts(
      { ...sandboxedSemanticDeps({ ...this.ctx, signal }), atHeads: this.atHeads, headOnly: true },
      {
        baseCommit: this.ctx.baseCommit,
        integrationHead: merged.head,
        merged: merged.merged.map((m) => ({ taskId: m.taskId, headCommit: m.commit, acceptance: acceptance.get(m.taskId) ?? [] })),
      },
    );
  }
}
