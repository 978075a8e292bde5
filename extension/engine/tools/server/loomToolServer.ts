import { registerCommandTool } from './commandTool';
import { DEFAULT_FILE_TOOL_LIMITS, registerFileTools, type FileToolLimits } from './fileTools';
import type { PathGuard } from './pathGuard';
import { StdioToolServer } from './stdioToolServer';
import { SparseWidening } from './sparseWidening';

export interface LoomToolServerOptions {
  guard: PathGuard;
  commandTimeoutMs: number;
  /** The environment run_command children get. */
  env: Record<string, string>;
  /** Inside a sandbox's PID namespace: end what each command leaves running detached. */
  reapOrphans?: boolean;
  maxCommandOutputChars?: number;
  limits?: FileToolLimits;
}

export const LOOM_TOOL_SERVER_NAME = 'loom';
/** report_result is not among them: the agent's worker answers it, so it never depends on this server (tools/reportResultTool). */
export const LOOM_TOOL_NAMES = ['read_file', 'write_file', 'list_files', 'search', 'run_command'] as const;

/** Loom's own MCP server: workspace-confined file and search tools and commands. */
export function createLoomToolServer(options: LoomToolServerOptions): StdioToolServer {
  const server = new StdioToolServer({ name: LOOM_TOOL_SERVER_NAME, version: '0.1.0' });
  const widening = new SparseWidening(options.guard.root);
  registerFileTools(server, options.guard, options.limits ?? DEFAULT_FILE_TOOL_LIMITS, widening);
  registerCommandTool(server, {
    widening,
    root: options.guard.root,
    timeoutMs: options.commandTimeoutMs,
    maxOutputChars: options.maxCommandOutputChars ?? 32_000,
    env: options.env,
    reapOrphans: options.reapOrphans ?? false,
  });
  return server;
}
