import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loomHome } from '../engine/run/runPaths';
import { finishedRun } from '../engine/run/runResult';
import { countOf, plural } from '../protocol/views/plural';
import { cleanRun } from '../engine/run/cleanRun';
import { EXIT, UsageError } from './usageError';

/**
 * `loom clean RUN`: removes a run's leftover worktrees (kept after a failure for inspection) and,
 * with --delete-branches, its loom/ branches, keeping the integration branch while it holds
 * commits no other branch has, unless --discard-result says to delete it too.
 */
export async function cleanCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { repo: { type: 'string' }, 'delete-branches': { type: 'boolean' }, 'discard-result': { type: 'boolean' }, 'loom-home': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const runId = positionals[0];
  if (!runId) throw new UsageError('needs a run id (loom runs lists them)');
  if (values['discard-result'] && !values['delete-branches']) throw new UsageError('--discard-result deletes the integration branch, so it goes with --delete-branches');
  const home = values['loom-home'] ? resolve(values['loom-home']) : loomHome();
  // The journal knows the repository; --repo is only for a run whose journal is gone or does not say.
  const repo = values.repo ? resolve(values.repo) : finishedRun(home, runId).repo;
  const cleaned = await cleanRun({ home, runId, repo, deleteBranches: !!values['delete-branches'], discardResult: !!values['discard-result'] });
  const branches = cleaned.deletedBranches.length;
  print(`Removed ${countOf(cleaned.removedWorktrees, 'worktree')} of run ${runId}${values['delete-branches'] ? ` and ${branches} of its loom/ ${plural(branches, 'branch', 'branches')}` : ''}.`);
  if (cleaned.keptResult) {
    const { branch, unmergedCommits } = cleaned.keptResult;
    print(`Kept ${branch}: it holds the run's result, ${countOf(unmergedCommits, 'commit')} no other branch has.`);
    print(`  Bring it into your branch with: loom merge ${runId}`);
    print(`  Or delete it too, losing them: loom clean ${runId} --delete-branches --discard-result`);
  }
  if (cleaned.discardedResult) {
    const { branch, head, unmergedCommits } = cleaned.discardedResult;
    print(`warning: deleted ${branch} with ${countOf(unmergedCommits, 'commit')} no other branch has; until git collects them, recover it with: git branch ${branch} ${head}`);
  }
  return EXIT.ok;
}
