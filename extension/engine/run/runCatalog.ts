import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../journal/journalReader';
import { foldEvents } from '../../protocol/reduce';
import type { RunState } from '../../protocol/runState';
import type { RunListStatus, RunSummary } from '../../protocol/runSummary';
import { runPaths } from './runPaths';
import { runLiveness } from './runOwner';

/** What folding one journal gave, kept while the journal's size and mtime stay the same. */
interface Folded {
  size: number;
  mtimeMs: number;
  state: RunState;
  problems: number;
}

/**
 * Folds of journals already read, by journal path: a caller that lists runs again and again (the
 * extension's views) passes the same cache, and only journals that changed are read again.
 */
export type CatalogCache = Map<string, Folded>;

/**
 * One run under LOOM_HOME, folded from its journal: null when the folder has no journal or the
 * journal never started a run (nothing to show or resume).
 */
export function runSummary(home: string, runId: string, now: number = Date.now(), cache?: CatalogCache): RunSummary | null {
  const paths = runPaths(home, runId);
  const folded = foldJournal(paths.journal, cache);
  if (!folded?.state.runId) return null;
  const { state } = folded;
  let status: RunListStatus;
  if (state.endedAt === null) {
    // Never cached: whether the owner still lives changes without the journal changing.
    const liveness = runLiveness(paths.runDir, false, now);
    status = liveness.state === 'live' ? (state.status === 'planning' ? 'planning' : 'running') : 'interrupted';
  } else {
    status = state.status === 'idle' || state.status === 'planning' || state.status === 'running' ? 'failed' : state.status;
  }
  return {
    runId: state.runId!,
    repo: state.repo,
    specPath: state.specPath,
    model: state.model,
    status,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    tasks: state.tasks.length,
    tasksDone: state.tasks.filter((t) => t.status === 'merged' || t.status === 'succeeded').length,
    openEscalations: state.escalations.filter((e) => e.resolution === null).map((e) => ({ escalationId: e.escalationId, kind: e.kind, question: e.question })),
    journalProblems: folded.problems,
  };
}

function foldJournal(path: string, cache: CatalogCache | undefined): Folded | null {
  if (!existsSync(path)) return null;
  try {
    const { size, mtimeMs } = statSync(path);
    const cached = cache?.get(path);
    if (cached && cached.size === size && cached.mtimeMs === mtimeMs) return cached;
    const read = readJournal(path);
    const folded = { size, mtimeMs, state: foldEvents(read.events), problems: read.problems.length };
    cache?.set(path, folded);
    return folded;
  } catch {
    // Unreadable (permissions, a folder of that name): not a run the catalogue can show.
    return null;
  }
}

/** Every run under LOOM_HOME, newest first. */
export function listRuns(home: string, now: number = Date.now(), cache?: CatalogCache): RunSummary[] {
  const dir = join(home, 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((runId) => runSummary(home, runId, now, cache))
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
