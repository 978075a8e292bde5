import { mkdirSync } from 'node:fs';
import type { RunEvent } from '../../protocol/events';
import { JournalWriter } from '../journal/journalWriter';
import { runGit } from '../workspace/git';
import { taskBranch } from '../workspace/lease';
import { resumePoint } from './resumePoint';
import { runPaths } from './runPaths';

export class ForkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForkError';
  }
}

/**
 * `loom replay RUN --fork-at N`: a new run whose journal is the recorded run's events 0…N (same
 * times, the run's id and folders renamed), with each task that was in flight at N given a branch at
 * its last journaled checkpoint. Resuming it continues from event N with a live model, and the
 * recorded run is left as it was.
 */
export async function forkRun(home: string, recorded: readonly RunEvent[], atSeq: number, forkId: string): Promise<void> {
  const kept = recorded.filter((e) => e.seq <= atSeq);
  const start = kept.find((e) => e.type === 'run/didStart');
  if (!start || start.type !== 'run/didStart') throw new ForkError('the run had not started by that event: there is nothing to fork');
  if (kept.some((e) => e.type === 'run/didFinish')) throw new ForkError(`the run had finished by event ${atSeq}: fork at an earlier event`);
  const from = start.runId;
  const fromDir = runPaths(home, from).runDir;
  const forkPaths = runPaths(home, forkId);
  // Every mention of the old run (branches loom/<run>/…, worktree folders) names the fork instead.
  const renamed = kept.map((e) => JSON.parse(JSON.stringify(e).split(fromDir).join(forkPaths.runDir).split(`loom/${from}/`).join(`loom/${forkId}/`)) as RunEvent);
  const forkStart = renamed.find((e) => e.type === 'run/didStart');
  if (forkStart?.type === 'run/didStart') forkStart.runId = forkId;

  const point = resumePoint(renamed);
  for (const [taskId, task] of point.inFlight) {
    if (!task.lease) continue;
    const head = task.checkpoint?.commit ?? task.frozenStart ?? task.lease.startCommit;
    await runGit(start.repo, ['branch', '--no-track', taskBranch(forkId, taskId), head]);
  }

  mkdirSync(forkPaths.runDir, { recursive: true });
  let ts = start.ts;
  const writer = new JournalWriter(forkPaths.journal, { now: () => ts });
  try {
    for (const { seq: _seq, ts: recordedTs, ...body } of renamed) {
      ts = recordedTs;
      writer.append(body);
    }
  } finally {
    writer.dispose();
  }
}
