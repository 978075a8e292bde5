import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { throwIfAborted } from '../../base/cancellation';
import { acceptanceAllowlist } from '../policy/commandAllowlist';
import { removeTree } from '../sandbox/removeTree';
import { commandKey, readBaseRuns, uniqueCommands, writeBaseRun, type BaseRun, type BaseRunKey } from './baseResults';
import type { CheckOutcome } from './failToPass';
import { resolveCommit } from './gitDiff';
import { CommandNotAllowedError, runCommand, type CommandSandbox } from './runCommand';
import { checkoutConfinement, setUpCheckout } from './verifierCheckout';
import { openVerifierWorktree } from './verifierWorktree';
import type { VerifyTaskInput } from './verifyTask';

/** What decides a start-commit run besides its command (the base-run cache's key). */
export function baseRunKeyOf(startCommit: string, input: Pick<VerifyTaskInput, 'setup' | 'sandbox' | 'commandTimeoutMs'>): (command: readonly string[]) => BaseRunKey {
  return (command) => ({ startCommit, command, setup: input.setup ?? null, sandbox: input.sandbox?.spec.kind ?? 'none', timeoutMs: input.commandTimeoutMs });
}

export function failToPassCommands(task: VerifyTaskInput['task']): (readonly string[])[] {
  return task.acceptance.flatMap((c) => (c.kind === 'failToPass' ? [c.command] : []));
}

/**
 * The start commit's runs of fail-to-pass commands in a checkout at that commit (the setup recipe
 * first, if there is one), each kept in the run's cache when it says something lasting about the
 * commit. A command the allowlist refuses is a result, not a throw.
 */
export async function makeStartCommitRuns(input: {
  dir: string;
  commands: readonly (readonly string[])[];
  sandbox: CommandSandbox | undefined;
  setup: string | null | undefined;
  allowlist: readonly string[];
  timeoutMs: number;
  keyOf: (command: readonly string[]) => BaseRunKey;
  baseRunsDir: string | undefined;
  signal: AbortSignal | undefined;
  onSetUp?: (setUp: { check: string; outcome: CheckOutcome }) => void;
}): Promise<Map<string, BaseRun>> {
  const { dir, signal } = input;
  const runs = new Map<string, BaseRun>();
  const setUp = input.setup ? await setUpCheckout(input.setup, dir, 'start commit', input.sandbox, signal) : null;
  if (setUp) input.onSetUp?.(setUp);
  for (const command of input.commands) {
    throwIfAborted(signal);
    const result = await runCommand(command, { cwd: dir, timeoutMs: input.timeoutMs, allowlist: input.allowlist, signal, sandbox: input.sandbox }).catch((err: unknown) => {
      if (err instanceof CommandNotAllowedError) return err;
      throw err;
    });
    throwIfAborted(signal); // a command killed by cancellation is not a base run
    runs.set(commandKey(command), { result, cached: false });
    if (input.baseRunsDir && !(result instanceof Error) && (setUp?.outcome.passed ?? true)) await writeBaseRun(input.baseRunsDir, input.keyOf(command), result);
  }
  return runs;
}

/**
 * A task's start-commit runs made ahead, in its verifier's checkout while its implementor works,
 * into the run's base-run cache: its verifier then finds them there and goes straight to the
 * branch. Best effort and confined as the verifier's own: whatever does not get made here (a
 * failed setup, a timeout, a stop) the verifier makes itself.
 */
export async function makeStartCommitRunsAhead(
  input: Pick<VerifyTaskInput, 'repo' | 'task' | 'startCommit' | 'scratchDir' | 'baseRunsDir' | 'commandAllowlist' | 'commandTimeoutMs' | 'sandbox' | 'setup'> & { worktree: string },
  signal: AbortSignal,
): Promise<void> {
  const commands = failToPassCommands(input.task);
  if (commands.length === 0 || input.baseRunsDir === undefined) return;
  const start = await resolveCommit(input.repo, input.startCommit);
  const keyOf = baseRunKeyOf(start, input);
  const cached = await readBaseRuns(input.baseRunsDir, commands, keyOf);
  const toRun = uniqueCommands(commands).filter((c) => !cached.has(commandKey(c)));
  if (toRun.length === 0) return;
  await fs.mkdir(input.scratchDir, { recursive: true });
  const scratch = await fs.mkdtemp(path.join(input.scratchDir, `ahead-${input.task.id}-`));
  try {
    const [, confine] = await Promise.all([openVerifierWorktree(input.repo, input.worktree, start), checkoutConfinement(input, scratch)]);
    await makeStartCommitRuns({
      dir: input.worktree,
      commands: toRun,
      sandbox: await confine(input.worktree, 'start'),
      setup: input.setup,
      allowlist: acceptanceAllowlist(input.commandAllowlist, input.sandbox !== undefined && input.sandbox.spec.kind !== 'none'),
      timeoutMs: input.commandTimeoutMs,
      keyOf,
      baseRunsDir: input.baseRunsDir,
      signal,
    });
  } finally {
    removeTree(scratch);
  }
}
