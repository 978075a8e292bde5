import { ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { TaskResultSchema } from '../../protocol/taskResult';
import type { McpServerConfig } from '../../protocol/workerMessages';
import type { ToolSpec } from '../models/modelProvider';
import type { ToolGate } from '../policy/approvalGate';
import type { AgentTools, StartedServer, ToolCallOutcome } from './agentTools';
import { McpServerConnection, type ServerExitInfo } from './mcpServerConnection';
import { toolResultText } from './toolResultText';
import type { SandboxRunner } from '../sandbox/sandboxRunner';

/** The name of Loom's own tool server; its tools keep their plain names. */
export const LOOM_SERVER_NAME = 'loom';

export interface StartAgentToolsOptions {
  /** One subprocess per entry, all with cwd = `cwd`. Names must be unique. */
  servers: McpServerConfig[];
  /** The agent's worktree. */
  cwd: string;
  /** Every start, restarts included (a new pid), for the journal. */
  onServerStart?(server: StartedServer): void;
  /** Every exit of a server subprocess; `expected` is false for a crash. */
  onServerExit?(info: ServerExitInfo): void;
  /** Server stderr, which is always piped and drained. */
  onStderr?(server: string, chunk: string): void;
  /** Per tool call; on expiry the server is killed and restarted. Default 10 minutes. */
  callTimeoutMs?: number;
  /** For the spawn, the initialize handshake and tools/list. Default 30 s. */
  startTimeoutMs?: number;
  /** Tool results longer than this are truncated for the model. Default 100,000 characters. */
  maxResultChars?: number;
  /** Crash restarts allowed per server before it stays down. Default 3. */
  maxRestarts?: number;
  /** Confines each server whose config carries a confinement (all of them, in a run). */
  sandbox?: SandboxRunner;
  /**
   * The action policy's gate: asked before every call reaches its server (deny → a tool error,
   * approve → waits on a person). The only place agents' commands are classified.
   */
  gate?: ToolGate;
}

export interface LoomServerConfigOptions {
  /** Path of the bundled server (dist/tools/loomToolServer.js). */
  serverScript: string;
  /** The agent's worktree. */
  root: string;
  commandTimeoutMs?: number;
  /** The server runs as the main process of a sandbox's PID namespace: it ends what each command leaves running. */
  reapOrphans?: boolean;
}

/** The config that starts Loom's own tool server for one agent with the current Node binary. */
export function loomServerConfig(options: LoomServerConfigOptions): McpServerConfig {
  const args = [options.serverScript, '--root', options.root];
  if (options.reapOrphans) args.push('--reap-orphans');
  if (options.commandTimeoutMs !== undefined) args.push('--command-timeout-ms', String(options.commandTimeoutMs));
  return { name: LOOM_SERVER_NAME, command: process.execPath, args, env: [] };
}

interface Route {
  conn: McpServerConnection;
  tool: Tool;
}

const MAX_TOOL_NAME = 64;

/** OpenAI-compatible tool names: [A-Za-z0-9_-]{1,64}. */
function sanitizeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

function exitText(conn: McpServerConnection): string {
  const exit = conn.lastExit;
  const how = !exit ? 'its connection closed' : exit.signal ? `it was killed by ${exit.signal}` : `it exited with code ${exit.code}`;
  const stderr = conn.recentStderr ? `; last stderr: ${conn.recentStderr.slice(-500)}` : '';
  return `${how}${stderr}`;
}

class McpAgentTools implements AgentTools {
  private routes = new Map<string, Route>();
  private toolSpecs: ToolSpec[] = [];
  private disposed = false;
  private readonly callTimeoutMs: number;
  private readonly maxResultChars: number;
  private readonly maxRestarts: number;
  private readonly gate: ToolGate | undefined;

  constructor(
    private readonly conns: McpServerConnection[],
    options: StartAgentToolsOptions,
  ) {
    this.callTimeoutMs = options.callTimeoutMs ?? 600_000;
    this.maxResultChars = options.maxResultChars ?? 100_000;
    this.maxRestarts = options.maxRestarts ?? 3;
    this.gate = options.gate;
    this.rebuildRoutes();
  }

  get specs(): ToolSpec[] {
    return this.toolSpecs;
  }

  get servers(): StartedServer[] {
    return this.conns.map((c) => c.info);
  }

  listTools(): ToolSpec[] {
    return this.toolSpecs;
  }

  private rebuildRoutes(): void {
    const routes = new Map<string, Route>();
    const specs: ToolSpec[] = [];
    for (const conn of this.conns) {
      const isLoom = conn.name === LOOM_SERVER_NAME;
      for (const tool of conn.tools) {
        let name = sanitizeName(isLoom ? tool.name : `${conn.name}__${tool.name}`).slice(0, MAX_TOOL_NAME);
        for (let n = 2; routes.has(name); n++) name = `${name.slice(0, MAX_TOOL_NAME - 3)}_${n}`;
        routes.set(name, { conn, tool });
        const description = tool.description ?? tool.title ?? tool.name;
        const { $schema: _schema, ...parameters } = tool.inputSchema as Record<string, unknown>;
        specs.push({ name, description: isLoom ? description : `[${conn.name}] ${description}`, parameters });
      }
    }
    this.routes = routes;
    this.toolSpecs = specs;
  }

  async call(name: string, argumentsJson: string, options: { signal?: AbortSignal } = {}): Promise<ToolCallOutcome> {
    const route = this.routes.get(name);
    if (this.disposed) return { ok: false, server: route?.conn.name ?? '', text: 'the tools of this agent are closed' };
    if (!route) {
      const known = [...this.routes.keys()].join(', ');
      return { ok: false, server: '', text: `unknown tool "${name}"; known tools: ${known || '(none)'}` };
    }
    const { conn, tool } = route;
    const server = conn.name;

    let args: Record<string, unknown>;
    try {
      const parsed: unknown = argumentsJson.trim() === '' ? {} : JSON.parse(argumentsJson);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return { ok: false, server, text: 'invalid JSON arguments: expected a JSON object' };
      }
      args = parsed as Record<string, unknown>;
    } catch (err) {
      return { ok: false, server, text: `invalid JSON arguments: ${(err as Error).message}` };
    }

    if (this.gate) {
      const verdict = await this.gate.check({ server, tool: tool.name, loom: server === LOOM_SERVER_NAME, args }, options.signal);
      if (!verdict.ok) return { ok: false, server, text: verdict.text };
      if (this.disposed) return { ok: false, server, text: 'the tools of this agent are closed' };
    }

    if (conn.state === 'crashed') {
      const reason = `MCP server "${server}" stopped unexpectedly before this call (${exitText(conn)})`;
      return { ok: false, server, text: await this.recover(conn, conn.generation, reason) };
    }
    if (conn.state !== 'connected') {
      return { ok: false, server, text: `MCP server "${server}" is down (${exitText(conn)}); its tools are unavailable` };
    }

    const generation = conn.generation;
    let result;
    try {
      result = await conn.callTool(tool.name, args, { signal: options.signal, timeoutMs: this.callTimeoutMs });
    } catch (err) {
      return { ok: false, server, text: await this.failure(conn, generation, name, err, options.signal) };
    }

    const text = toolResultText(result, this.maxResultChars);
    if (result.isError) {
      // The SDK prefixes validation failures with "MCP error -32602: "; the model needs only the message.
      return { ok: false, server, text: text.replace(/^MCP error -?\d+: /, '') || `tool "${name}" failed without a message` };
    }
    if (server === LOOM_SERVER_NAME && tool.name === 'report_result') {
      let structured: unknown;
      try {
        structured = TaskResultSchema.parse(JSON.parse(text));
      } catch (err) {
        return { ok: false, server, text: `report_result returned an invalid result: ${(err as Error).message}` };
      }
      return { ok: true, server, text, structured };
    }
    return { ok: true, server, text };
  }

  /** Text for a call that threw; restarts the server when it crashed or hung. */
  private async failure(conn: McpServerConnection, generation: number, name: string, err: unknown, signal?: AbortSignal): Promise<string> {
    if (this.disposed) return `tool "${name}" was interrupted: the tools of this agent were closed`;
    if (signal?.aborted) return `tool "${name}" was cancelled`;
    const code = err instanceof McpError ? err.code : undefined;
    const sameProcess = conn.generation === generation;
    if (code === ErrorCode.RequestTimeout) {
      if (sameProcess && conn.state === 'connected') {
        conn.kill();
        conn.state = 'crashed';
      }
      return this.recover(conn, generation, `tool "${name}" timed out after ${this.callTimeoutMs} ms; MCP server "${conn.name}" was killed`);
    }
    if (!sameProcess || conn.state === 'crashed' || code === ErrorCode.ConnectionClosed) {
      if (sameProcess && conn.state === 'connected') conn.state = 'crashed';
      return this.recover(conn, generation, `MCP server "${conn.name}" crashed during "${name}" (${exitText(conn)}); the call's effects are unknown`);
    }
    return `tool "${name}" failed: ${(err as Error).message ?? String(err)}`;
  }

  private readonly recoveries = new Map<McpServerConnection, { generation: number; done: Promise<string> }>();

  /**
   * One reconnect attempt per crash (up to maxRestarts over the agent's life), shared by every
   * call that saw the same process die. Returns how it went, for the model.
   */
  private async recover(conn: McpServerConnection, generation: number, reason: string): Promise<string> {
    if (this.disposed) return reason;
    let recovery = this.recoveries.get(conn);
    if (!recovery || recovery.generation !== generation) {
      if (conn.generation !== generation) {
        // Another call restarted it already.
        const now = conn.state === 'connected' ? `The server was restarted (pid ${conn.pid}) and lost any state; you may call the tool again` : 'The server is down';
        return `${reason}. ${now}`;
      }
      recovery = { generation, done: this.restart(conn) };
      this.recoveries.set(conn, recovery);
    }
    return `${reason}. ${await recovery.done}`;
  }

  private async restart(conn: McpServerConnection): Promise<string> {
    if (conn.restarts >= this.maxRestarts) {
      conn.state = 'failed';
      return `It has been restarted ${conn.restarts} times already and stays down`;
    }
    conn.restarts++;
    try {
      const started = await conn.start();
      this.rebuildRoutes();
      return `The server was restarted (pid ${started.pid}) and lost any state; you may call the tool again`;
    } catch (err) {
      if (conn.state !== 'disposed') conn.state = 'failed';
      return `Restarting it failed: ${(err as Error).message}`;
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(this.conns.map((c) => c.dispose()));
  }
}

/**
 * Starts one MCP client and one stdio subprocess per server config for one agent, cwd = its
 * worktree, with a minimal environment (PATH, HOME, LANG plus the config's own pairs). If any
 * server fails to start, the others are stopped and the McpServerStartError is thrown.
 */
export async function startAgentTools(options: StartAgentToolsOptions): Promise<AgentTools & { listTools(): ToolSpec[] }> {
  const names = new Set<string>();
  for (const server of options.servers) {
    if (names.has(server.name)) throw new Error(`MCP server name "${server.name}" is used twice`);
    names.add(server.name);
  }
  const hooks = { onStart: options.onServerStart, onExit: options.onServerExit, onStderr: options.onStderr };
  const conns = options.servers.map((config) => new McpServerConnection(config, options.cwd, hooks, options.startTimeoutMs ?? 30_000, options.sandbox));
  const results = await Promise.allSettled(conns.map((c) => c.start()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(conns.map((c) => c.dispose()));
    throw failed.reason;
  }
  return new McpAgentTools(conns, options);
}
