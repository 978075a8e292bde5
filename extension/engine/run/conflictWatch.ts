import type { EventBody } from '../../protocol/events';
import type { RunState } from '../../protocol/runState';
import type { Disposable } from '../../base/disposable';
import { describeFiles, predictConflicts, type PairPrediction, type PredictedFile } from '../merge/conflictPrediction';
import type { PredictedConflictPolicy } from './runOptions';

export interface ConflictWatchDeps {
  repo: string;
  runId: string;
  policy: PredictedConflictPolicy;
  journal: (body: EventBody) => unknown;
  /** Tells a task's live implementor something at its next turn; false when none is running. */
  notify: (taskId: string, text: string) => boolean;
  /**
   * The run's state as journaled: its tasks in plan order (for `hold`, the later task waits; a merged
   * task is no longer a target) and the integration branch's head (merge/didMerge), so a check
   * needs no git process to find it.
   */
  state: () => Pick<RunState, 'tasks' | 'integrationCommit' | 'predictions'>;
}

interface Tracked {
  /** Its head: the last checkpoint commit (null before the first, when it has changed nothing of its own). */
  head: string | null;
  /** Running: checked at its checkpoints. Verified: not running but still a target until it merges. */
  state: 'running' | 'verified';
  /** Resolved when it ends (verified or failed): `hold` waits on it. */
  ended: Promise<void>;
  end: () => void;
}

interface CheckedPair {
  a: string;
  b: string;
  ours: string;
  theirs: string;
  key: string;
  commits: string;
}

interface Prediction {
  taskId: string;
  otherTaskId: string | null;
  files: PredictedFile[];
  signature: string;
}

const INTEGRATION = '\0integration';

/**
 * Continuous conflict prediction: after every checkpoint of an implementor, its branch is merged in
 * memory (`git merge-tree`, batched) with every other task branch not merged yet and the integration
 * branch, if it exists. A pair whose prediction changed is journaled (conflict/didPredict, or
 * conflict/didClear when it no longer conflicts or a side failed) and, by the run's policy, the two
 * agents are told (`tell`) or the later one waits for the earlier one to end (`hold`).
 *
 * Checks run beside the agents, one at a time: a checkpoint during a check marks its task for one
 * more pass, so a burst of checkpoints costs at most one extra check, never a queue. No agent awaits
 * a check; `hold` only makes an agent wait at its next model call after a prediction is journaled.
 */
export class ConflictWatch implements Disposable {
  private readonly tracked = new Map<string, Tracked>();
  private readonly predictions = new Map<string, Prediction>();
  /** The commits last merged for each pair: an unchanged pair is not merged again. */
  private readonly checkedCommits = new Map<string, string>();
  private readonly pendingNotices = new Map<string, string[]>();
  private readonly heldTasks = new Set<string>();
  /** Woken whenever a prediction changes or a task ends: a held task looks again. */
  private wakers = new Set<() => void>();
  private dirty = new Set<string>();
  private running: Promise<void> | null = null;
  private disposed = false;
  private adopted = false;
  /** Checks run so far (a test sees coalescing with it). */
  checksRun = 0;

  constructor(private readonly deps: ConflictWatchDeps) {}

  /** A task starts (or, resumed, continues from its last checkpoint `head`). */
  track(taskId: string, head: string | null = null): void {
    this.adoptJournal();
    const known = this.tracked.get(taskId);
    if (known) {
      known.state = 'running';
      return;
    }
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    this.tracked.set(taskId, { head, state: 'running', ended, end });
  }

  /**
   * Once, before the first task: what the journal already holds, for a resumed run. Tasks verified
   * before the crash are targets again, and its predictions are the ones a change is measured
   * against (one that no longer holds is cleared at the next check of its pair).
   */
  private adoptJournal(): void {
    if (this.adopted) return;
    this.adopted = true;
    const state = this.deps.state();
    for (const t of state.tasks) {
      if (t.status === 'succeeded' && t.headCommit && !this.tracked.has(t.task.id)) {
        this.track(t.task.id, t.headCommit);
        this.tracked.get(t.task.id)!.state = 'verified';
      }
    }
    for (const p of state.predictions) {
      this.predictions.set(pairKey(p.taskId, p.otherTaskId ?? INTEGRATION), { taskId: p.taskId, otherTaskId: p.otherTaskId, files: p.files, signature: signatureOf(p.files) });
    }
  }

  /** A checkpoint commit (full id) of a running task: schedules a check off the agent's path. */
  checkpoint(taskId: string, commit: string): void {
    const t = this.tracked.get(taskId);
    if (this.disposed || !t) return;
    t.head = commit;
    this.dirty.add(taskId);
    if (!this.running) this.running = this.drain();
  }

  /**
   * The task ended. Verified, its branch stays a target until it merges (others still conflict with
   * what will land); failed, its predictions are cleared. Either way a task held for it goes on.
   */
  ended(taskId: string, verified: boolean): void {
    const t = this.tracked.get(taskId);
    if (!t) return;
    this.dirty.delete(taskId);
    this.pendingNotices.delete(taskId);
    if (verified) t.state = 'verified';
    else {
      this.tracked.delete(taskId);
      for (const [key, p] of [...this.predictions]) {
        if (p.taskId !== taskId && p.otherTaskId !== taskId) continue;
        this.predictions.delete(key);
        this.journal({ type: 'conflict/didClear', taskId: p.taskId, otherTaskId: p.otherTaskId });
      }
    }
    t.end();
    this.wake();
  }

  /** Notices the task's agent could not be given live: said when its next agent starts. */
  takeNotices(taskId: string): string[] {
    const notes = this.pendingNotices.get(taskId) ?? [];
    this.pendingNotices.delete(taskId);
    return notes;
  }

  /**
   * Before each model call of a task's implementor: with `hold`, waits while a task earlier in plan
   * order that this one is predicted to conflict with is still running.
   */
  async beforeModelCall(taskId: string, agentId: string, signal?: AbortSignal): Promise<void> {
    if (this.deps.policy !== 'hold') return;
    for (;;) {
      const earlier = this.earlierConflicting(taskId);
      if (!earlier || signal?.aborted || this.disposed) return;
      const files = earlier.prediction.files;
      if (!this.heldTasks.has(taskId)) {
        this.heldTasks.add(taskId);
        this.journal({ type: 'agent/didWarn', agentId, taskId, kind: 'conflict', message: `held before its next model call until ${earlier.taskId} ends: both change ${describeFiles(files)}` });
      }
      await Promise.race([earlier.tracked.ended, this.nextChange(), aborted(signal)]);
      if (this.earlierConflicting(taskId)) continue;
      if (this.heldTasks.delete(taskId) && !signal?.aborted && earlier.tracked.state === 'verified') {
        this.tell(taskId, `Loom notice: task ${earlier.taskId}, which you waited for, was verified. It changes lines you change too (${describeFiles(files)}, merge-base line numbers): both will be merged, so keep your changes to those lines to what your task needs.`);
      }
      this.heldTasks.delete(taskId);
    }
  }

  /** Resolves when no check is running or scheduled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.dirty.clear();
    for (const t of this.tracked.values()) t.end();
    this.wake();
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => this.wakers.add(resolve));
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = new Set();
    for (const w of wakers) w();
  }

  private earlierConflicting(taskId: string): { taskId: string; tracked: Tracked; prediction: Prediction } | null {
    const order = this.deps.state().tasks.map((t) => t.task.id);
    const mine = order.indexOf(taskId);
    for (const p of this.predictions.values()) {
      const other = p.taskId === taskId ? p.otherTaskId : p.otherTaskId === taskId ? p.taskId : null;
      if (other === null) continue;
      const t = this.tracked.get(other);
      if (!t || t.state !== 'running') continue;
      const theirs = order.indexOf(other);
      if (theirs !== -1 && (mine === -1 || theirs < mine)) return { taskId: other, tracked: t, prediction: p };
    }
    return null;
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty.size > 0 && !this.disposed) {
        const batch = this.dirty;
        this.dirty = new Set();
        this.checksRun++;
        try {
          await this.check(batch);
        } catch (err) {
          // A failed check only costs a prediction; the merge at the end still finds every conflict.
          this.journal({ type: 'agent/didWarn', agentId: 'run', kind: 'conflict', message: `conflict prediction failed: ${(err as Error).message.split('\n', 1)[0]}` });
        }
      }
    } finally {
      this.running = null;
    }
  }

  /**
   * One pass: every changed task against every other task's head and the integration branch's, in one
   * merge-tree process. The heads are known without git: the tasks' from their checkpoints, the
   * integration branch's from the journal. A task merged into it is a target no more.
   */
  private async check(changed: ReadonlySet<string>): Promise<void> {
    const state = this.deps.state();
    for (const t of state.tasks) if (t.status === 'merged') this.forget(t.task.id);
    const targets = [...this.tracked].flatMap(([id, t]) => (t.head ? [{ id, commit: t.head }] : []));
    if (state.integrationCommit) targets.push({ id: INTEGRATION, commit: state.integrationCommit });
    const pairs = this.pairsFor(changed, targets);
    this.settle(pairs, await predictConflicts(this.deps.repo, pairs));
  }

  /** A merged task: the reducer already dropped its predictions. */
  private forget(taskId: string): void {
    const t = this.tracked.get(taskId);
    if (!t) return;
    this.tracked.delete(taskId);
    for (const [key, p] of [...this.predictions]) if (p.taskId === taskId || p.otherTaskId === taskId) this.predictions.delete(key);
    t.end();
    this.wake();
  }

  /** The pairs of a changed running task and a target not merged at these two commits before. */
  private pairsFor(changed: ReadonlySet<string>, targets: readonly { id: string; commit: string }[]): CheckedPair[] {
    const pairs: CheckedPair[] = [];
    const seen = new Set<string>();
    for (const id of changed) {
      const t = this.tracked.get(id);
      const ours = t?.state === 'running' ? t.head : null;
      if (!ours) continue;
      for (const other of targets) {
        if (other.id === id) continue;
        const key = pairKey(id, other.id);
        if (seen.has(key)) continue;
        seen.add(key);
        const commits = [ours, other.commit].sort().join(' ');
        if (this.checkedCommits.get(key) === commits) continue;
        pairs.push({ a: id, b: other.id, ours, theirs: other.commit, key, commits });
      }
    }
    return pairs;
  }

  /** Journals what changed (and tells or wakes as the policy says). */
  private settle(pairs: readonly CheckedPair[], results: readonly PairPrediction[]): void {
    pairs.forEach((pair, k) => {
      // A side that ended while the check ran is settled already (a later check of the other side covers a verified one).
      if (this.tracked.get(pair.a)?.state !== 'running' || (pair.b !== INTEGRATION && !this.tracked.has(pair.b)) || this.disposed) return;
      this.checkedCommits.set(pair.key, pair.commits);
      const r = results[k];
      const before = this.predictions.get(pair.key);
      const otherTaskId = pair.b === INTEGRATION ? null : pair.b;
      if (r.clean) {
        if (before) {
          this.predictions.delete(pair.key);
          this.journal({ type: 'conflict/didClear', taskId: before.taskId, otherTaskId: before.otherTaskId });
          this.wake();
        }
        return;
      }
      const signature = signatureOf(r.files);
      if (before?.signature === signature) return;
      const prediction: Prediction = { taskId: pair.a, otherTaskId, files: r.files, signature };
      this.predictions.set(pair.key, prediction);
      this.journal({ type: 'conflict/didPredict', taskId: pair.a, otherTaskId, commit: pair.ours, files: r.files });
      // With `hold` the later task waits instead; against the integration branch there is nothing to wait for, so it is told.
      if (this.deps.policy === 'tell' || (this.deps.policy === 'hold' && otherTaskId === null)) this.tellPair(prediction);
      this.wake();
    });
  }

  /** `tell`: both agents hear which lines the other side changes. */
  private tellPair(p: Prediction): void {
    const where = describeFiles(p.files);
    const why = 'Changing the same lines in parallel makes a merge conflict later. Keep your changes away from those lines if your task allows it, or keep them minimal there; do not undo the other side\'s work.';
    if (p.otherTaskId === null) {
      this.tell(p.taskId, `Loom notice: your branch would conflict with work already merged into the run's integration branch, which changes ${where} (merge-base line numbers). ${why}`);
      return;
    }
    this.tell(p.taskId, `Loom notice: task ${p.otherTaskId}, running in parallel with you, changes the same lines: ${where} (merge-base line numbers). ${why}`);
    if (this.tracked.get(p.otherTaskId)?.state === 'running') {
      this.tell(p.otherTaskId, `Loom notice: task ${p.taskId}, running in parallel with you, changes the same lines: ${where} (merge-base line numbers). ${why}`);
    }
  }

  private tell(taskId: string, text: string): void {
    if (this.deps.notify(taskId, text)) return;
    this.pendingNotices.set(taskId, [...(this.pendingNotices.get(taskId) ?? []), text]);
  }

  private journal(body: EventBody): void {
    if (this.disposed) return;
    try {
      this.deps.journal(body);
    } catch {
      // The journal closed under a late check: the prediction is moot.
    }
  }
}

/** What makes two predictions of a pair the same: their files, kinds and lines. */
function signatureOf(files: readonly PredictedFile[]): string {
  return JSON.stringify([...files].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)).map((f) => [f.path, f.kind, f.hunks.map((h) => [h.start, h.end])]));
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

function aborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
