import { readFileSync, statSync } from 'node:fs';
import type { Spec } from '../../protocol/spec';
import { formatSpecErrors, parseSpec } from '../spec/parseSpec';
import { gitOut, resolveCommit, runGit } from '../workspace/git';
import { assertGitVersion } from '../workspace/gitRepo';
import { EndpointPreflightError, preflightEndpoint } from '../models/endpointPreflight';
import type { RunOptions } from './runOptions';

/** Bad input found before a run starts: nothing was created. The CLI maps it to exit code 2. */
export class RunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInputError';
  }
}

/** How the messages name the spec and the repository: the CLI's flags, or the run's recorded ones. */
export interface TargetNames {
  spec: string;
  repo: string;
}

export const PLAIN_NAMES: TargetNames = { spec: 'spec', repo: 'repository' };

/**
 * The spec a run names, read and parsed, and its repository, a git work tree: the one check that
 * `RunCoordinator.prepare` and the CLI (before it starts a simulator or calls an endpoint) share.
 * Throws RunInputError that names what is wrong.
 */
export async function checkRunTarget(target: { specPath: string; repo: string }, names: TargetNames = PLAIN_NAMES): Promise<Spec> {
  const spec = kindOf(target.specPath);
  if (spec !== 'file') throw new RunInputError(`${names.spec} ${target.specPath}: ${spec === 'missing' ? 'no such file' : 'a folder, not a spec file'} (a Markdown spec; see docs/spec-format.md)`);
  const parsed = parseSpec(readFileSync(target.specPath, 'utf8'), target.specPath);
  if (!parsed.ok) throw new RunInputError(`the spec has errors:\n${formatSpecErrors(parsed.errors, target.specPath)}`);
  const repo = kindOf(target.repo);
  if (repo !== 'folder') throw new RunInputError(`${names.repo} ${target.repo}: ${repo === 'missing' ? 'no such folder' : 'a file, not a folder'}`);
  const inside = await runGit(target.repo, ['rev-parse', '--is-inside-work-tree'], { okExitCodes: [0, 128] }).catch(() => null);
  if (inside?.stdout.trim() !== 'true') throw new RunInputError(`${names.repo} ${target.repo} is not a git repository (git init, then commit once)`);
  return parsed.spec;
}

/**
 * Everything a run checks before it starts anything (`RunCoordinator.prepare`): git's version, the
 * target, the base commit, and an endpoint that can answer (VS Code's own models need no check).
 * Throws RunInputError; the endpoint's warning (its model is not listed) is journaled once the run starts.
 */
export async function prepareRunInputs(
  options: Pick<RunOptions, 'specPath' | 'repo' | 'baseCommit' | 'endpoint' | 'hostModel'>,
): Promise<{ spec: Spec; baseCommit: string; baseBranch: string; endpointWarning: string | null }> {
  try {
    await assertGitVersion();
  } catch (err) {
    throw new RunInputError((err as Error).message);
  }
  const spec = await checkRunTarget({ specPath: options.specPath, repo: options.repo });
  let baseCommit: string;
  try {
    baseCommit = await resolveCommit(options.repo, options.baseCommit ?? 'HEAD');
  } catch {
    throw new RunInputError(
      options.baseCommit
        ? `${options.repo} has no commit ${options.baseCommit}: the recorded run started there`
        : `${options.repo} has no commits yet: commit something first, the run starts from HEAD`,
    );
  }
  const baseBranch = await gitOut(options.repo, ['rev-parse', '--abbrev-ref', 'HEAD']);
  let endpointWarning: string | null = null;
  if (!options.endpoint.relay && !options.hostModel) {
    try {
      endpointWarning = (await preflightEndpoint(options.endpoint)).warning;
    } catch (err) {
      if (err instanceof EndpointPreflightError) throw new RunInputError(err.message);
      throw err;
    }
  }
  return { spec, baseCommit, baseBranch, endpointWarning };
}

function kindOf(path: string): 'file' | 'folder' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}
