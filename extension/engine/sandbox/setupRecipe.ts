import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { runProcess } from '../process/runProcess';
import { commandEnv, type CommandSandbox } from '../verify/runCommand';

/** A setup recipe can install and build; it gets this long, whatever the per-command timeout. */
export const SETUP_TIMEOUT_MS = 15 * 60_000;
const OUTPUT_CHARS = 4000;

/** Where a repository keeps its setup recipe: a shell script Loom runs in each fresh lease. */
export const SETUP_FILE = '.loom/setup';
const LOCKFILES: Record<string, string> = { 'package-lock.json': 'npm ci', 'npm-shrinkwrap.json': 'npm ci', 'yarn.lock': 'yarn install --frozen-lockfile', 'pnpm-lock.yaml': 'pnpm install --frozen-lockfile' };

/**
 * The run's setup recipe: the one given (flag or setting) or else the repository's `.loom/setup`,
 * as shell text; null when there is none.
 */
export async function resolveSetupRecipe(repo: string, given: string | null | undefined): Promise<string | null> {
  if (given && given.trim()) return given.trim();
  const text = await fs.readFile(path.join(repo, SETUP_FILE), 'utf8').catch(() => null);
  return text && text.trim() ? text : null;
}

/** With no recipe, what to suggest when the repository has a lockfile (null when nothing to say). */
export async function suggestSetup(repo: string): Promise<string | null> {
  for (const [file, command] of Object.entries(LOCKFILES)) {
    if (await fs.stat(path.join(repo, file)).then(() => true, () => false)) {
      return `${file} found but no setup recipe: leases see your installed node_modules, but nothing builds them. If tests need a build or a clean install, pass --setup "${command}" (or the loom.setupCommand setting, or a ${SETUP_FILE} script)`;
    }
  }
  return null;
}

export interface SetupOutcome {
  passed: boolean;
  exitCode: number | null;
  durationMs: number;
  output: string;
}

/**
 * Runs the recipe (`sh -c`) in a checkout, inside its sandbox. It is the user's own recipe, not an
 * agent's, so it gets the host network (installs fetch packages); everything it writes stays in the
 * lease and its copy-on-write dependencies, and gitignored outputs (build/, dist/) are never committed.
 */
export async function runSetupRecipe(recipe: string, cwd: string, sandbox: CommandSandbox | undefined, signal?: AbortSignal): Promise<SetupOutcome> {
  const argv = ['/bin/sh', '-c', recipe];
  const spawned = sandbox ? sandbox.runner.wrap(argv, { ...sandbox.confinement, network: 'host' }, cwd) : argv;
  const outcome = await runProcess(spawned, {
    cwd,
    env: commandEnv(sandbox),
    timeoutMs: SETUP_TIMEOUT_MS,
    maxOutputChars: OUTPUT_CHARS,
    signal,
  });
  const passed = outcome.exitCode === 0 && !outcome.timedOut && !outcome.cancelled;
  const output = [outcome.stdout.trimEnd(), outcome.stderr.trimEnd()].filter(Boolean).join('\n');
  return { passed, exitCode: outcome.exitCode, durationMs: outcome.durationMs, output: outcome.timedOut ? `${output}\n[timed out after ${SETUP_TIMEOUT_MS / 1000} s]` : output };
}
