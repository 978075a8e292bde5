import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { errorResult, textResult } from './results';
import { runProcess, type ProcessOutcome } from './runProcess';

export interface CommandToolOptions {
  root: string;
  /** Executables the agent may run: command[0] must equal one of them exactly. */
  allow: string[];
  timeoutMs: number;
  /** Per stream. */
  maxOutputBytes: number;
  /** The children's environment: the server's own (already minimal) environment. */
  env: NodeJS.ProcessEnv;
}

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

export function registerCommandTool(server: McpServer, options: CommandToolOptions): void {
  const allowed = new Set(options.allow);
  const allowedList = options.allow.length ? options.allow.join(', ') : '(none)';
  server.registerTool(
    'run_command',
    {
      description:
        `Run a program in the workspace root without a shell (argv form, e.g. ["npm","test"]). ` +
        `Only these programs are allowed: ${allowedList}. Timeout ${options.timeoutMs} ms; output is truncated.`,
      inputSchema: {
        command: z.array(z.string()).min(1).describe('program and its arguments, e.g. ["npm", "test"]'),
      },
      annotations: { openWorldHint: false },
    },
    async ({ command }, extra) => {
      const program = command[0];
      if (!allowed.has(program)) {
        return errorResult(`command not allowed: "${program}" is not in the allowlist (allowed: ${allowedList})`);
      }
      try {
        const outcome = await runProcess(command, {
          cwd: options.root,
          env: options.env,
          timeoutMs: options.timeoutMs,
          maxOutputBytes: options.maxOutputBytes,
          signal: extra.signal,
        });
        const text = describe(command, outcome, options.timeoutMs);
        return outcome.timedOut || outcome.cancelled ? errorResult(text) : textResult(text);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return errorResult(`cannot run "${program}": not found on PATH`);
        return errorResult(`cannot run "${program}": ${(err as Error).message ?? String(err)}`);
      }
    },
  );
}
