import type { EventOf, MergeTier } from '../events';
import type { RunState, TaskState } from '../runState';

/**
 * How conflicts read wherever they are shown (dashboard, sidebar, CLI report): predicted ones
 * between branches in flight, detected ones (textual or semantic), the tier each merge landed by,
 * and tasks that wait on a conflict's escalation.
 */

export type Prediction = EventOf<'conflict/didPredict'>;
export type DetectedConflict = EventOf<'conflict/didDetect'>;

/** Base-line ranges as a person reads them: "line 3", "lines 3–7", "lines 3–7, 12". */
export function formatLineRanges(hunks: readonly { start: number; end: number }[]): string {
  if (hunks.length === 0) return '';
  const parts = hunks.map((h) => (h.end <= h.start ? String(h.start) : `${h.start}–${h.end}`));
  return `${hunks.length === 1 && hunks[0].end <= hunks[0].start ? 'line' : 'lines'} ${parts.join(', ')}`;
}

/** The other branch of a prediction, as a name. */
export function otherBranchName(otherTaskId: string | null): string {
  return otherTaskId ?? 'the integration branch';
}

/** "src/calc.js lines 3–7", or the file and git's kind when no lines are named. */
export function predictedFileText(file: Prediction['files'][number]): string {
  const lines = formatLineRanges(file.hunks);
  return lines ? `${file.path} ${lines}` : file.kind && file.kind !== 'contents' ? `${file.path} (${file.kind})` : file.path;
}

/** "predicted conflict in src/calc.js lines 3–7". */
export function predictionDetail(p: Prediction): string {
  const files = p.files.map(predictedFileText).join('; ');
  return `predicted conflict${files ? ` in ${files}` : ''}`;
}

/** "add-multiply × add-divide: predicted conflict in src/calc.js lines 3–7" (the CLI joins the pair with an ASCII x). */
export function predictionText(p: Prediction, times = '×'): string {
  return `${p.taskId} ${times} ${otherBranchName(p.otherTaskId)}: ${predictionDetail(p)}`;
}

/** Running, verifying, or verified and not yet merged: a branch a prediction can still be about. */
export function isInFlight(t: Pick<TaskState, 'status'> | undefined): boolean {
  return t?.status === 'running' || t?.status === 'verifying' || t?.status === 'succeeded';
}

/**
 * The predictions that still matter: between tasks in flight (or one and the integration branch).
 * Once a task merged, conflicted or ended otherwise, what happened replaces what was predicted.
 */
export function livePredictions(run: Pick<RunState, 'predictions' | 'tasks'>): Prediction[] {
  const byId = new Map(run.tasks.map((t) => [t.task.id, t]));
  return run.predictions.filter((p) => isInFlight(byId.get(p.taskId)) && (p.otherTaskId === null || isInFlight(byId.get(p.otherTaskId))));
}

/** The predictions a task takes part in, with the other side named from its point of view. */
export function predictionsOfTask(run: Pick<RunState, 'predictions'>, taskId: string): { other: string | null; prediction: Prediction }[] {
  return run.predictions
    .filter((p) => p.taskId === taskId || p.otherTaskId === taskId)
    .map((p) => ({ other: p.taskId === taskId ? p.otherTaskId : p.taskId, prediction: p }));
}

export function isSemantic(c: DetectedConflict): boolean {
  return c.cause === 'semantic';
}

/**
 * A detected conflict in one line. Textual: git could not merge the files ("a × b: src/x.js
 * (contents)"). Semantic: git merged them cleanly, but a merged task's check fails on the result.
 * The CLI joins the pair with an ASCII x.
 */
export function conflictText(c: DetectedConflict, times = '×'): string {
  const pair = `${c.taskIds[0]} ${times} ${c.taskIds[1]}`;
  if (isSemantic(c)) {
    const at = c.mergeCommit ? ` at merge ${c.mergeCommit.slice(0, 10)}` : '';
    const files = c.files.length ? ` (${c.files.map((f) => f.path).join(', ')})` : '';
    return `${pair}: semantic conflict: git merges them cleanly, but ${c.check ? `check ${c.check}` : 'a check'} fails on the result${at}${files}`;
  }
  return `${pair}: ${c.files.map((f) => `${f.path} (${f.kind})`).join(', ')}`;
}

/** The tiers in AgentSpawn's order, with the words for each. */
export const TIER_LABEL: Record<MergeTier, string> = { auto: 'auto-merge', mergeAgent: 'merge agent', person: 'person' };
export const TIER_ORDER: readonly MergeTier[] = ['auto', 'mergeAgent', 'person'];

export type TierCounts = Record<MergeTier, number>;

/** How many merged tasks landed by each tier. */
export function tierCounts(tasks: readonly TaskState[]): TierCounts {
  const counts: TierCounts = { auto: 0, mergeAgent: 0, person: 0 };
  for (const t of tasks) if (t.status === 'merged') counts[t.mergedBy ?? 'auto']++;
  return counts;
}

/** "2 auto-merge · 1 merge agent · 0 person". */
export function tierCountsText(counts: TierCounts): string {
  return TIER_ORDER.map((tier) => `${counts[tier]} ${TIER_LABEL[tier]}`).join(' · ');
}

/** "resolved by a merge agent" for a task that did not merge cleanly; null for an auto-merge or an unmerged task. */
export function mergedByText(t: TaskState): string | null {
  if (t.status !== 'merged' || !t.mergedBy || t.mergedBy === 'auto') return null;
  return t.mergedBy === 'person' ? 'resolved by a person' : 'resolved by a merge agent';
}

/** Textual and semantic conflicts, counted apart. */
export function conflictCounts(conflicts: readonly DetectedConflict[]): { textual: number; semantic: number } {
  const semantic = conflicts.filter(isSemantic).length;
  return { textual: conflicts.length - semantic, semantic };
}

/** "waits on esc-3: <why>" for a waiting task; null otherwise. */
export function waitingText(t: TaskState): string | null {
  if (t.status !== 'waiting') return null;
  return `waits on ${t.waitingOn ?? 'an escalation'}${t.failureReason ? `: ${t.failureReason}` : ''}`;
}
