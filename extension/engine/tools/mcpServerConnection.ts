import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { childSignal } from '../../base/cancellation';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../../protocol/workerMessages';
import { StdioProcessTransport, type ProcessExit } from './stdioProcessTransport';
import { subprocessEnv } from '../policy/subprocessEnv';
import type { SandboxRunner } from '../sandbox/sandboxRunner';
import type { StartedServer } from './agentTools';

/** Variables of the parent's environment that reach an MCP subprocess; nothing else does. */
export type ConnectionState = 'idle' | 'connected' | 'crashed' | 'failed' | 'disposed';

export interface ServerExitInfo {
  name: string;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** False when Loom did not ask it to stop (a crash). */
  expected: boolean;
}

export interface ConnectionHooks {
  onStart?(server: StartedServer): void;
  onExit?(info: ServerExitInfo): void;
  onStderr?(server: string, chunk: string): void;
}

export class McpServerStartError extends Error {
  constructor(
    readonly server: string,
    message: string,
  ) {
    super(message);
    this.name = 'McpServerStartError';
  }
}

const STDERR_TAIL_CHARS = 2000;

/** One MCP server subprocess and its Client, for one agent; can be restarted after a crash. */
export class McpServerConnection {
  state: ConnectionState = 'idle';
  tools: Tool[] = [];
  restarts = 0;
  /** Calls under way: a health ping is not needed while one of them is timing the server. */
  inFlight = 0;
  /** Counts successful starts: a call that began in generation N knows whether a restart happened since. */
  generation = 0;
  /** Why the last connection ended, for the model (set on a crash). */
  lastExit?: ProcessExit;

  private client?: Client;
  private transport?: StdioProcessTransport;
  private stderrTail = '';
  private stopping = false;
  private starting?: Promise<StartedServer>;

  constructor(
    readonly config: McpServerConfig,
    readonly cwd: string,
    private readonly hooks: ConnectionHooks,
    private readonly startTimeoutMs: number,
    /** Confines the subprocess when its config carries a confinement. */
    private readonly sandbox?: SandboxRunner,
  ) {}

  get name(): string {
    return this.config.name;
  }

  get pid(): number | undefined {
    return this.transport?.pid;
  }

  get info(): StartedServer {
    return { name: this.name, pid: this.pid ?? -1, cwd: this.cwd, tools: this.tools.map((t) => t.name) };
  }

  /** The last lines the server wrote to stderr. */
  get recentStderr(): string {
    return this.stderrTail.trim();
  }

  /** Starts (or restarts) the subprocess; concurrent callers share one attempt. */
  start(): Promise<StartedServer> {
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async doStart(): Promise<StartedServer> {
    if (this.state === 'disposed') throw new McpServerStartError(this.name, `MCP server "${this.name}" is disposed`);
    await this.closeCurrent(true);
    this.stopping = false;
    this.stderrTail = '';
    const argv = [this.config.command, ...this.config.args];
    const spawned = this.sandbox && this.config.confinement ? this.sandbox.wrap(argv, this.config.confinement, this.cwd) : argv;
    const transport = new StdioProcessTransport({
      command: spawned[0],
      args: spawned.slice(1),
      cwd: this.cwd,
      env: subprocessEnv(this.config.env),
      onStderr: (chunk) => {
        this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
        this.hooks.onStderr?.(this.name, chunk);
      },
    });
    const client = new Client({ name: 'loom', version: '0.1.0' }, { capabilities: {} });
    this.transport = transport;
    this.client = client;
    client.onerror = () => {
      // Stray output and write errors surface as a closed connection or a failed call.
    };
    client.onclose = () => {
      if (this.client !== client) return;
      if (!this.stopping && this.state === 'connected') this.state = 'crashed';
    };
    void transport.waitForExit().then((exit) => {
      if (this.transport === transport) this.lastExit = exit;
      const pid = transport.pid;
      if (pid !== undefined) this.hooks.onExit?.({ name: this.name, pid, ...exit, expected: this.stopping || this.transport !== transport });
    });
    try {
      await client.connect(transport, { timeout: this.startTimeoutMs });
      this.tools = await this.listAllTools(client);
    } catch (err) {
      if ((this.state as ConnectionState) !== 'disposed') this.state = 'failed';
      await this.closeCurrent(true);
      const detail = (err as Error).message ?? String(err);
      const stderr = this.recentStderr ? `\nserver stderr:\n${this.recentStderr}` : '';
      throw new McpServerStartError(this.name, `MCP server "${this.name}" (${this.config.command}) failed to start: ${detail}${stderr}`);
    }
    if ((this.state as ConnectionState) === 'disposed') {
      await this.closeCurrent(true);
      throw new McpServerStartError(this.name, `MCP server "${this.name}" is disposed`);
    }
    this.state = 'connected';
    this.generation++;
    const started = this.info;
    this.hooks.onStart?.(started);
    return started;
  }

  private async listAllTools(client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.startTimeoutMs });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  /**
   * Throws the SDK's errors (McpError with ConnectionClosed / RequestTimeout, or an abort). The
   * timeout restarts with each progress notification, so a server that reports progress on a long
   * call (Loom's run_command does) is not taken for a hung one.
   */
  async callTool(name: string, args: Record<string, unknown>, options: { signal?: AbortSignal; timeoutMs: number }): Promise<CallToolResult> {
    const client = this.client;
    if (!client || this.state !== 'connected') throw new Error(`MCP server "${this.name}" is not connected`);
    this.inFlight++;
    // The SDK leaves a listener on the signal of every request: the call gets one of its own.
    const call = childSignal(options.signal);
    try {
      const result = await client.callTool({ name, arguments: args }, undefined, {
        signal: call.signal,
        timeout: options.timeoutMs,
        resetTimeoutOnProgress: true,
        onprogress: () => undefined,
      });
      return result as CallToolResult;
    } finally {
      call.release();
      this.inFlight--;
    }
  }

  /** An MCP ping (a health check); throws when the server does not answer within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<void> {
    const client = this.client;
    if (!client || this.state !== 'connected') throw new Error(`MCP server "${this.name}" is not connected`);
    await client.ping({ timeout: timeoutMs });
  }

  /** Kills the subprocess group at once (a hung server). */
  kill(): void {
    this.transport?.killGroup('SIGKILL');
  }

  private async closeCurrent(expected: boolean): Promise<void> {
    const client = this.client;
    const transport = this.transport;
    if (!client && !transport) return;
    if (expected) this.stopping = true;
    this.client = undefined;
    try {
      await client?.close();
    } catch {
      // ignore
    }
    await transport?.close();
    // close() escalated to SIGKILL if needed; wait for the exit to be observed.
    if (transport && transport.pid !== undefined && !transport.exit) {
      await Promise.race([transport.waitForExit(), new Promise((r) => setTimeout(r, 2000).unref())]);
    }
  }

  async dispose(): Promise<void> {
    if (this.state === 'disposed') return;
    this.state = 'disposed';
    this.stopping = true;
    await this.starting?.catch(() => undefined);
    await this.closeCurrent(true);
  }
}
