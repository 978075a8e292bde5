import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where Loom keeps runs: outside the user's working tree, so a run never dirties it. */
export function loomHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOOM_HOME && env.LOOM_HOME.trim() ? env.LOOM_HOME : join(homedir(), '.loom');
}

export interface RunPaths {
  runDir: string;
  journal: string;
  worktrees: string;
  scratch: string;
}

export function runPaths(home: string, runId: string): RunPaths {
  const runDir = join(home, 'runs', runId);
  return {
    runDir,
    journal: join(runDir, 'journal.jsonl'),
    worktrees: join(runDir, 'worktrees'),
    scratch: join(runDir, 'scratch'),
  };
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}
