import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { LeaseManager } from '../engine/workspace/leases';
import { loomHome, runPaths } from '../engine/run/runPaths';
import { UsageError } from './usageError';

/** `loom clean RUN --repo DIR`: removes a run's leftover worktrees (kept after a failure for inspection). */
export async function cleanCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { repo: { type: 'string' }, 'delete-branches': { type: 'boolean' }, 'loom-home': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const runId = positionals[0];
  if (!runId) throw new UsageError('loom clean needs a run id');
  if (!values.repo) throw new UsageError('loom clean needs --repo DIR (the repository the run worked on)');
  const paths = runPaths(values['loom-home'] ? resolve(values['loom-home']) : loomHome(), runId);
  const leases = new LeaseManager({ repoDir: resolve(values.repo), root: paths.worktrees });
  const removed = await leases.removeAll(runId, { deleteBranches: values['delete-branches'] ?? false, alsoInside: [paths.scratch] });
  print(`Removed ${removed.removed.length} worktree(s) of run ${runId}${values['delete-branches'] ? ' and its loom/ branches' : ''}.`);
  return 0;
}
