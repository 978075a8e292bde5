import { ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpSupervisionSchema, type McpServerConfig, type McpSupervision } from '../../protocol/workerMessages';
import type { ToolSpec } from '../models/modelProvider';
import type { ToolGate } from '../policy/approvalGate';
import type { AgentTools, StartedServer, ToolCallOutcome } from './agentTools';
import { McpServerConnection, type ServerExitInfo } from './mcpServerConnection';
import { REPORT_RESULT_SPEC, REPORT_RESULT_TOOL, reportResult } from './reportResultTool';
import { exitText, ServerSupervisor, type ServerFailure, type ServerRestart } from './serverSupervisor';
import { toolResultText } from './toolResultText';
import type { SandboxRunner } from '../sandbox/sandboxRunner';
import { DEFAULT_COMMAND_TIMEOUT_MS } from './server/args';
import { loomToolList } from './server/loomToolDefinitions';

/** The name of Loom's own tool server; its tools keep their plain names. */
export const LOOM_SERVER_NAME = 'loom';

export interface StartAgentToolsOptions {
  /** One subprocess per entry, all with cwd = `cwd`. Names must be unique. */
  servers: McpServerConfig[];
  /** The agent's worktree. */
  cwd: string;
  /** Each server's first start, for the journal (`mcp/didStart`). */
  onServerStart?(server: StartedServer): void;
  /** A server that died, hung or could not be restarted (`mcp/didFail`). */
  onServerFail?(failure: ServerFailure): void;
  /** A failed server running again (`mcp/didRestart`), for this agent alone. */
  onServerRestart?(restart: ServerRestart): void;
  /** Every exit of a server subprocess; `expected` is false for a crash. */
  onServerExit?(info: ServerExitInfo): void;
  /** Server stderr, which is always piped and drained. */
  onStderr?(server: string, chunk: string): void;
  /** Call timeout, health pings and restarts; absent fields keep McpSupervisionSchema's defaults. */
  supervision?: Partial<McpSupervision>;
  /** For the spawn, the initialize handshake and tools/list. Default 30 s. */
  startTimeoutMs?: number;
  /** Tool results longer than this are truncated for the model. Default 100,000 characters. */
  maxResultChars?: number;
  /** Confines each server whose config carries a confinement (all of them, in a run). */
  sandbox?: SandboxRunner;
  /**
   * The action policy's gate: asked before every call reaches its server (deny → a tool error,
   * approve → waits on a person). The only place agents' commands are classified.
   */
  gate?: ToolGate;
  /**
   * When every server's tools are known ahead: the servers start once this settles (the agent's first
   * model request is on its way), so their start does not hold that request back. A call waits as before.
   */
  startAfter?: Promise<unknown>;
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
  return { name: LOOM_SERVER_NAME, command: process.execPath, args, env: [], tools: loomToolList(options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS) };
}

interface Route {
  supervisor: ServerSupervisor;
  tool: Tool;
}

const MAX_TOOL_NAME = 64;
const CLOSED = 'the tools of this agent are closed';

/** OpenAI-compatible tool names: [A-Za-z0-9_-]{1,64}. */
function sanitizeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

class McpAgentTools implements AgentTools {
  private routes = new Map<string, Route>();
  private toolSpecs: ToolSpec[] = [];
  private disposed = false;
  private readonly supervisors: ServerSupervisor[];
  private readonly supervision: McpSupervision;
  private readonly maxResultChars: number;
  private readonly gate: ToolGate | undefined;

  /** Settles once the servers have started (or failed to), their own tool lists in the routes. */
  private readonly started: Promise<void>;

  constructor(conns: McpServerConnection[], options: StartAgentToolsOptions, ready: Promise<void>) {
    this.started = ready.then(
      () => this.rebuildRoutes(),
      () => undefined,
    );
    this.supervision = McpSupervisionSchema.parse(options.supervision ?? {});
    this.maxResultChars = options.maxResultChars ?? 100_000;
    this.gate = options.gate;
    const hooks = { onFail: options.onServerFail, onRestart: options.onServerRestart, onToolsChanged: () => this.rebuildRoutes() };
    this.supervisors = conns.map((conn) => new ServerSupervisor(conn, this.supervision, hooks));
    this.rebuildRoutes();
  }

  /**
   * Routes each connection's exits to its supervisor (crash → report and restart). An exit before the
   * server's first start has ended is that start failing, which `ready` reports: nothing to restart.
   */
  onExit(info: ServerExitInfo): void {
    const supervisor = this.supervisors.find((s) => s.conn.name === info.name);
    if (supervisor && supervisor.conn.generation > 0) supervisor.onExit(info);
  }

  get specs(): ToolSpec[] {
    return this.toolSpecs;
  }

  get servers(): StartedServer[] {
    return this.supervisors.map((s) => s.conn.info);
  }

  listTools(): ToolSpec[] {
    return this.toolSpecs;
  }

  private rebuildRoutes(): void {
    const routes = new Map<string, Route>();
    // Answered here, never by a server (see reportResultTool): the name is taken before any server's tools.
    const specs: ToolSpec[] = [REPORT_RESULT_SPEC];
    const taken = new Set([REPORT_RESULT_TOOL]);
    for (const supervisor of this.supervisors) {
      const conn = supervisor.conn;
      const isLoom = conn.name === LOOM_SERVER_NAME;
      for (const tool of conn.tools) {
        let name = sanitizeName(isLoom ? tool.name : `${conn.name}__${tool.name}`).slice(0, MAX_TOOL_NAME);
        for (let n = 2; taken.has(name); n++) name = `${name.slice(0, MAX_TOOL_NAME - 3)}_${n}`;
        taken.add(name);
        routes.set(name, { supervisor, tool });
        const description = tool.description ?? tool.title ?? tool.name;
        const { $schema: _schema, ...parameters } = tool.inputSchema as Record<string, unknown>;
        specs.push({ name, description: isLoom ? description : `[${conn.name}] ${description}`, parameters, server: conn.name, readOnly: tool.annotations?.readOnlyHint === true });
      }
    }
    this.routes = routes;
    this.toolSpecs = specs;
  }

  async call(name: string, argumentsJson: string, options: { signal?: AbortSignal } = {}): Promise<ToolCallOutcome> {
    // A call made while the servers start goes to them once they have (report_result needs none).
    if (name !== REPORT_RESULT_TOOL) await this.started;
    const route = this.routes.get(name);
    const server = name === REPORT_RESULT_TOOL ? LOOM_SERVER_NAME : (route?.supervisor.conn.name ?? '');
    if (this.disposed) return { ok: false, server, text: CLOSED };
    if (!route && name !== REPORT_RESULT_TOOL) {
      const known = [...this.routes.keys(), REPORT_RESULT_TOOL].join(', ');
      return { ok: false, server, text: `unknown tool "${name}"; known tools: ${known}` };
    }

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
    if (!route) return reportResult(args, server);
    const { supervisor, tool } = route;
    const conn = supervisor.conn;

    if (this.gate) {
      const verdict = await this.gate.check({ server, tool: tool.name, loom: server === LOOM_SERVER_NAME, args }, options.signal);
      if (!verdict.ok) return { ok: false, server, text: verdict.text };
      if (this.disposed) return { ok: false, server, text: CLOSED };
    }

    // A call made while its server is being restarted goes to the new process: it never reached the old one.
    if (conn.state === 'crashed') {
      await supervisor.fail(conn.generation, 'exited', `MCP server "${server}" stopped unexpectedly (${exitText(conn)})`);
    }
    await supervisor.settled();
    if (this.disposed) return { ok: false, server, text: CLOSED };
    if (conn.state !== 'connected') {
      return {
        ok: false,
        server,
        text: `MCP server "${server}" is down after ${conn.restarts} restart(s) (${exitText(conn)}): its tools are unavailable for the rest of this agent's work; report_result still works`,
      };
    }

    const generation = conn.generation;
    let result;
    try {
      result = await conn.callTool(tool.name, args, { signal: options.signal, timeoutMs: this.supervision.callTimeoutMs });
    } catch (err) {
      return { ok: false, server, text: await this.failure(supervisor, generation, name, err, options.signal) };
    }

    const text = toolResultText(result, this.maxResultChars);
    if (result.isError) {
      // The SDK prefixes validation failures with "MCP error -32602: "; the model needs only the message.
      return { ok: false, server, text: text.replace(/^MCP error -?\d+: /, '') || `tool "${name}" failed without a message` };
    }
    return { ok: true, server, text };
  }

  /** Text for a call that threw; a crashed or hung server is reported and restarted by its supervisor. */
  private async failure(supervisor: ServerSupervisor, generation: number, name: string, err: unknown, signal?: AbortSignal): Promise<string> {
    if (this.disposed) return `tool "${name}" was interrupted: ${CLOSED}`;
    if (signal?.aborted) return `tool "${name}" was cancelled`;
    const conn = supervisor.conn;
    const code = err instanceof McpError ? err.code : undefined;
    if (code === ErrorCode.RequestTimeout) {
      const reason = `tool "${name}" got no answer within ${this.supervision.callTimeoutMs} ms; MCP server "${conn.name}" was killed as hung`;
      return `${reason}. ${await supervisor.fail(generation, 'callTimeout', reason)}`;
    }
    if (conn.generation !== generation || conn.state !== 'connected' || code === ErrorCode.ConnectionClosed) {
      const reason = `MCP server "${conn.name}" crashed during "${name}" (${exitText(conn)}); the call's effects are unknown`;
      return `${reason}. ${await supervisor.fail(generation, 'exited', reason)}`;
    }
    return `tool "${name}" failed: ${(err as Error).message ?? String(err)}`;
  }

  /** Disposed: nothing of it may start any more. */
  get closed(): boolean {
    return this.disposed;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.supervisors) s.dispose();
    await Promise.all(this.supervisors.map((s) => s.conn.dispose()));
  }
}

export interface OpenedAgentTools {
  tools: AgentTools & { listTools(): ToolSpec[] };
  /** Every server started; rejects with the first McpServerStartError, the tools then closed. */
  ready: Promise<void>;
  /** Every server's tool list was known before it started (config.tools): the specs need not wait for `ready`. */
  knownAhead: boolean;
}

/**
 * One MCP client and one stdio subprocess per server config for one agent, cwd = its worktree, with
 * a minimal environment (PATH, HOME, LANG plus the config's own pairs), each watched by a
 * ServerSupervisor. The tools come back at once, the servers starting behind them: until a server
 * has answered tools/list its tools are the ones its config names (none if it names none), and a
 * call waits for the start. If any server fails to start, the others are stopped and `ready`
 * rejects with its McpServerStartError.
 */
export function openAgentTools(options: StartAgentToolsOptions): OpenedAgentTools {
  const names = new Set<string>();
  for (const server of options.servers) {
    if (names.has(server.name)) throw new Error(`MCP server name "${server.name}" is used twice`);
    names.add(server.name);
  }
  let tools: McpAgentTools | undefined;
  const hooks = {
    onExit: (info: ServerExitInfo) => {
      options.onServerExit?.(info);
      tools?.onExit(info);
    },
    onStderr: options.onStderr,
  };
  const conns = options.servers.map((config) => new McpServerConnection(config, options.cwd, hooks, options.startTimeoutMs ?? 30_000, options.sandbox));
  // The same JSON the server will list (tools/list is checked against it in loomToolDefinitions.test.ts).
  for (const conn of conns) conn.tools = (conn.config.tools ?? []) as Tool[];
  const knownAhead = options.servers.every((s) => s.tools !== undefined);
  const ready = (async () => {
    if (knownAhead && options.startAfter) {
      await options.startAfter.catch(() => undefined);
      if (tools!.closed) throw new Error(CLOSED);
    }
    const results = await Promise.allSettled(conns.map((c) => c.start()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await tools!.dispose();
      throw failed.reason;
    }
    for (const c of conns) options.onServerStart?.(c.info);
  })();
  tools = new McpAgentTools(conns, options, ready);
  return { tools, ready, knownAhead };
}

/** openAgentTools, once every server has started (throws its McpServerStartError if one could not). */
export async function startAgentTools(options: StartAgentToolsOptions): Promise<AgentTools & { listTools(): ToolSpec[] }> {
  const { tools, ready } = openAgentTools(options);
  await ready;
  return tools;
}
