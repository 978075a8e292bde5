import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import type { CommandNotAllowedError, CommandResult } from './runCommand';

/**
 * A run's cache of start-commit test runs: what an acceptance command printed on a task's start
 * commit does not change between the task's verify rounds, nor between tasks that start from the
 * same commit, so it runs once. The key is everything that decides the run: the start commit (its
 * tree holds the test files and test configuration the base runs with — the verifier never
 * restores anything there), the command, the setup recipe, the sandbox and the timeout. A new
 * start commit is a new key. Only runs that ended by themselves are kept: a timeout, a kill or a
 * failed setup says nothing lasting about the commit.
 */
export interface BaseRunKey {
  startCommit: string;
  command: readonly string[];
  setup: string | null;
  sandbox: string;
  timeoutMs: number;
}

const CachedRunSchema = z.object({
  argv: z.array(z.string()),
  cwd: z.string(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  stdout: z.string(),
  stderr: z.string(),
  durationMs: z.number(),
});

function fileOf(dir: string, key: BaseRunKey): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([key.startCommit, key.command, key.setup, key.sandbox, key.timeoutMs]))
    .digest('hex');
  return path.join(dir, `${digest.slice(0, 32)}.json`);
}

/** A run worth keeping: it ended by itself, with an exit code. */
export function isLastingBaseRun(result: CommandResult): boolean {
  return result.exitCode !== null && !result.timedOut && result.spawnError === undefined;
}

/** The cached start-commit run for `key`, or undefined (none, or unreadable: it is run again). */
export async function readBaseRun(dir: string, key: BaseRunKey): Promise<CommandResult | undefined> {
  const text = await fs.readFile(fileOf(dir, key), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = CachedRunSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps a start-commit run for later rounds and tasks (written whole: a reader never sees half a file). */
export async function writeBaseRun(dir: string, key: BaseRunKey, result: CommandResult): Promise<void> {
  if (!isLastingBaseRun(result)) return;
  await fs.mkdir(dir, { recursive: true });
  const file = fileOf(dir, key);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(result));
  await fs.rename(tmp, file);
}

/** One start-commit run per distinct command: made now, or read from the cache. */
export interface BaseRun {
  result: CommandResult | CommandNotAllowedError;
  cached: boolean;
}

/** How a command is told apart from another (argv, exactly). */
export function commandKey(command: readonly string[]): string {
  return JSON.stringify(command);
}

export function uniqueCommands(commands: readonly (readonly string[])[]): (readonly string[])[] {
  return [...new Map(commands.map((c) => [commandKey(c), c])).values()];
}

/** The cached start-commit runs of `commands`, by commandKey; a command without one is absent. */
export async function readBaseRuns(dir: string | undefined, commands: readonly (readonly string[])[], keyOf: (command: readonly string[]) => BaseRunKey): Promise<Map<string, BaseRun>> {
  const runs = new Map<string, BaseRun>();
  if (dir === undefined) return runs;
  for (const command of uniqueCommands(commands)) {
    const result = await readBaseRun(dir, keyOf(command));
    if (result) runs.set(commandKey(command), { result, cached: true });
  }
  return runs;
}
