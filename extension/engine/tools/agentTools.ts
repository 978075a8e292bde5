import type { Disposable } from '../../base/disposable';
import type { ToolSpec } from '../models/modelProvider';

export interface StartedServer {
  name: string;
  pid: number;
  cwd: string;
  tools: string[];
}

export interface ToolCallOutcome {
  ok: boolean;
  /** Text for the model (tool result or error message). */
  text: string;
  /** The server that answered. */
  server: string;
  /** For report_result: the schema-validated argument object. */
  structured?: unknown;
}

/**
 * One agent's MCP connections: one Client and one stdio subprocess per configured server,
 * cwd = the agent's worktree. Loom's own server ("loom") exposes its tools under their plain
 * names; every other server's tools are exposed as `<server>__<tool>`; `report_result` is the
 * agent's own (tools/reportResultTool).
 */
export interface AgentTools extends Disposable {
  readonly specs: ToolSpec[];
  readonly servers: StartedServer[];
  /**
   * Never throws and never hangs: invalid JSON, an unknown tool, a tool error, a timeout or a
   * server crash all come back as `ok: false` with a message for the model naming the server. A
   * dead or hung server is restarted for this agent, a bounded number of times; `report_result`
   * is answered here and works whatever state the servers are in.
   */
  call(name: string, argumentsJson: string, options?: { signal?: AbortSignal }): Promise<ToolCallOutcome>;
}
