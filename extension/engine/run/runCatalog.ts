import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../journal/journalReader';
import { foldEvents } from '../../protocol/reduce';
import type { RunListStatus, RunSummary } from '../../protocol/runSummary';
import { runPaths } from './runPaths';
import { runLiveness } from './runOwner';

/**
 * One run under LOOM_HOME, folded from its journal: null when the folder has no journal or the
 * journal never started a run (nothing to show or resume).
 */
export function runSummary(home: string, runId: string, now: number = Date.now()): RunSummary | null {
  const paths = runPaths(home, runId);
  if (!existsSync(paths.journal)) return null;
  let read: ReturnType<typeof readJournal>;
  try {
    read = readJournal(paths.journal);
  } catch {
    // Unreadable (permissions, a folder of that name): not a run the catalogue can show.
    return null;
  }
  const state = foldEvents(read.events);
  if (!state.runId) return null;
  let status: RunListStatus;
  if (state.endedAt === null) {
    const liveness = runLiveness(paths.runDir, false, now);
    status = liveness.state === 'live' ? (state.status === 'planning' ? 'planning' : 'running') : 'interrupted';
  } else {
    status = state.status === 'idle' || state.status === 'planning' || state.status === 'running' ? 'failed' : state.status;
  }
  return {
    runId: state.runId,
    repo: state.repo,
    specPath: state.specPath,
    model: state.model,
    status,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    tasks: state.tasks.length,
    tasksDone: state.tasks.filter((t) => t.status === 'merged' || t.status === 'succeeded').length,
    openEscalations: state.escalations.filter((e) => e.resolution === null).map((e) => ({ escalationId: e.escalationId, kind: e.kind, question: e.question })),
    journalProblems: read.problems.length,
  };
}

/** Every run under LOOM_HOME, newest first. */
export function listRuns(home: string, now: number = Date.now()): RunSummary[] {
  const dir = join(home, 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((runId) => runSummary(home, runId, now))
    .filter((run): run is RunSummary => run !== null)
    .sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0) || b.runId.localeCompare(a.runId));
}

/** Runs of `repo` whose process died before they finished: what a window that opens on it offers to resume. */
export function interruptedRuns(runs: readonly RunSummary[], repo: string): RunSummary[] {
  const target = canonical(repo);
  return runs.filter((run) => run.status === 'interrupted' && run.repo !== null && canonical(run.repo) === target);
}

/** The same folder reached through a symlink (a workspace opened as /tmp, recorded as /private/tmp) is the same repository. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
