import type { ToolRegistry } from './stdioToolServer';
import { runProcess, type ProcessOutcome } from '../../process/runProcess';
import { reapOrphans } from '../../process/reapOrphans';
import { errorResult, textResult } from './results';
import type { SparseWidening } from './sparseWidening';
import { runCommandDefinition } from './loomToolDefinitions';

export interface CommandToolOptions {
  root: string;
  timeoutMs: number;
  /** Characters kept per stream. */
  maxOutputChars: number;
  /** The children's environment: the server's own (already minimal) environment. */
  env: Record<string, string>;
  /** In a sandbox's PID namespace: after each command, end whatever it left running detached. */
  reapOrphans?: boolean;
  /**
   * A sparse lease: before the first command, every file the lease left out is brought in, since a
   * test run or build may read any of them (agent start stays fast; the first command pays once).
   */
  widening?: SparseWidening;
}

/** Often enough for any sensible tool-call timeout on the client's side. */
const PROGRESS_INTERVAL_MS = 2_000;

function describe(argv: string[], outcome: ProcessOutcome, timeoutMs: number): string {
  const status = outcome.timedOut
    ? `timed out after ${timeoutMs} ms (killed)`
    : outcome.cancelled
      ? 'cancelled (killed)'
      : outcome.exitCode !== null
        ? `exit code: ${outcome.exitCode}`
        : `killed by signal ${outcome.signal}`;
  return [
    `$ ${argv.map((a) => (/^[\w./:=@+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`,
    `${status} (${outcome.durationMs} ms)`,
    '--- stdout ---',
    outcome.stdout.trimEnd(),
    '--- stderr ---',
    outcome.stderr.trimEnd(),
  ].join('\n');
}

/**
 * run_command. Which programs an agent may run is decided before the call reaches this server (the
 * policy gate in the agent's worker, with approvals); what a program can reach is decided by the
 * sandbox this server runs in. This server only runs the argv, without a shell.
 */
export function registerCommandTool(server: ToolRegistry, options: CommandToolOptions): void {
  server.registerTool(
    'run_command',
    runCommandDefinition(options.timeoutMs),
    async ({ command }, extra) => {
      const program = command[0];
      // While the command runs, progress tells the client this server is alive: a long test run is not a hung server.
      const progressToken = extra._meta?.progressToken;
      const started = Date.now();
      const heartbeat =
        progressToken === undefined
          ? undefined
          : setInterval(() => {
              void extra
                .sendNotification({ method: 'notifications/progress', params: { progressToken, progress: Date.now() - started, message: `${program} is running` } })
                .catch(() => undefined);
            }, PROGRESS_INTERVAL_MS);
      let outcome: ProcessOutcome;
      try {
        await options.widening?.bringInAll();
        outcome = await runProcess(command, {
          cwd: options.root,
          env: options.env,
          timeoutMs: options.timeoutMs,
          maxOutputChars: options.maxOutputChars,
          signal: extra.signal,
          // In the server's group: a server killed mid-command takes the command with it.
          ownProcessGroup: false,
        });
      } finally {
        clearInterval(heartbeat);
      }
      // A daemon the command detached (re-parented to the namespace's init) does not outlive it.
      if (options.reapOrphans) reapOrphans();
      if (outcome.spawnErrorCode === 'ENOENT') return errorResult(`cannot run "${program}": not found on PATH`);
      if (outcome.spawnError !== undefined) return errorResult(`cannot run "${program}": ${outcome.spawnError}`);
      const text = describe(command, outcome, options.timeoutMs);
      return outcome.timedOut || outcome.cancelled ? errorResult(text) : textResult(text);
    },
  );
}
