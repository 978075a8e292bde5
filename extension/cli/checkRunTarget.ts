import { readFileSync, statSync } from 'node:fs';
import { formatSpecErrors, parseSpec } from '../engine/spec/parseSpec';
import { runGit } from '../engine/workspace/git';
import { UsageError } from './usageError';

/**
 * The spec and the repository a run names, checked before anything starts (no simulator, no
 * endpoint call, no run folder): a wrong path is a usage error that names the flag, or says the
 * journal recorded it when a resumed or replayed run's repository is gone.
 */
export async function checkRunTarget(target: { specPath: string; repo: string }, recorded: boolean): Promise<void> {
  const [specName, repoName] = recorded ? ["the run's recorded spec", "the run's recorded repository"] : ['--spec', '--repo'];
  const spec = kindOf(target.specPath);
  if (spec !== 'file') throw new UsageError(`${specName} ${target.specPath}: ${spec === 'missing' ? 'no such file' : 'a folder, not a spec file'} (a Markdown spec; see docs/spec-format.md)`);
  const parsed = parseSpec(readFileSync(target.specPath, 'utf8'), target.specPath);
  if (!parsed.ok) throw new UsageError(`the spec has errors:\n${formatSpecErrors(parsed.errors, target.specPath)}`);
  const repo = kindOf(target.repo);
  if (repo !== 'folder') throw new UsageError(`${repoName} ${target.repo}: ${repo === 'missing' ? 'no such folder' : 'a file, not a folder'}`);
  const inside = await runGit(target.repo, ['rev-parse', '--is-inside-work-tree'], { okExitCodes: [0, 128] }).catch(() => null);
  if (inside?.stdout.trim() !== 'true') throw new UsageError(`${repoName} ${target.repo} is not a git repository (git init, then commit once)`);
}

function kindOf(path: string): 'file' | 'folder' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}
