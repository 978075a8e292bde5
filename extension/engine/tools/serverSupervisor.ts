import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Disposable } from '../../base/disposable';
import type { McpSupervision } from '../../protocol/workerMessages';
import type { McpServerConnection, ServerExitInfo } from './mcpServerConnection';

export type ServerFailReason = 'exited' | 'callTimeout' | 'pingTimeout' | 'restartFailed';

/** A server of one agent that died, hung or could not be restarted: what the journal's `mcp/didFail` says. */
export interface ServerFailure {
  server: string;
  pid: number;
  reason: ServerFailReason;
  message: string;
  restarts: number;
  willRestart: boolean;
}

/** A server running again for its agent: what the journal's `mcp/didRestart` says. */
export interface ServerRestart {
  server: string;
  pid: number;
  previousPid: number;
  restarts: number;
  tools: string[];
}

export interface SupervisorHooks {
  onFail?(failure: ServerFailure): void;
  onRestart?(restart: ServerRestart): void;
  /** A restarted server may list other tools. */
  onToolsChanged(): void;
}

/** How a server's end reads for the model. */
export function exitText(conn: McpServerConnection): string {
  const exit = conn.lastExit;
  const how = !exit ? 'its connection closed' : exit.signal ? `it was killed by ${exit.signal}` : `it exited with code ${exit.code}`;
  const stderr = conn.recentStderr ? `; last stderr: ${conn.recentStderr.slice(-500)}` : '';
  return `${how}${stderr}`;
}

/**
 * Watches one MCP server of one agent: a crash is noticed when the process exits, a hang by a
 * call's timeout or by a health ping the server does not answer while it is idle. Each failure
 * is reported once (every call that saw the same process fail shares it), the process is killed
 * with everything it started, and it is restarted for this agent alone while restarts remain.
 * After that its tools answer with an error naming the server; nothing waits on it.
 */
export class ServerSupervisor implements Disposable {
  private recovery?: { generation: number; done: Promise<string> };
  private readonly timer?: NodeJS.Timeout;
  private pinging = false;
  private disposed = false;

  constructor(
    readonly conn: McpServerConnection,
    private readonly options: McpSupervision,
    private readonly hooks: SupervisorHooks,
  ) {
    if (options.pingIntervalMs > 0) {
      this.timer = setInterval(() => void this.ping(), options.pingIntervalMs);
      this.timer.unref();
    }
  }

  /** The connection's exit hook: a crash (an exit Loom did not ask for) is reported and the server restarted at once. */
  onExit(info: ServerExitInfo): void {
    if (info.expected || this.disposed) return;
    void this.fail(this.conn.generation, 'exited', `MCP server "${this.conn.name}" stopped unexpectedly (${exitText(this.conn)})`);
  }

  /** Resolves once a restart under way (if any) has ended, so a call made meanwhile goes to the new process. */
  async settled(): Promise<void> {
    await this.recovery?.done;
  }

  /**
   * The process of `generation` failed: report it, kill it and restart it while restarts remain.
   * Returns how it went, for the model.
   */
  fail(generation: number, reason: ServerFailReason, message: string): Promise<string> {
    if (this.recovery?.generation === generation) return this.recovery.done;
    if (this.conn.generation !== generation) return Promise.resolve(this.nowText());
    const done = this.recover(reason, message);
    this.recovery = { generation, done };
    return done;
  }

  private nowText(): string {
    return this.conn.state === 'connected'
      ? `The server was restarted (pid ${this.conn.pid}) and lost any state; you may call the tool again`
      : `It is down after ${this.conn.restarts} restart(s): its tools are unavailable for the rest of this agent's work (report_result still works)`;
  }

  private async recover(reason: ServerFailReason, message: string): Promise<string> {
    const conn = this.conn;
    const previousPid = conn.pid ?? -1;
    // A hung server is ended here; for one that exited, this ends what it left running in its group.
    conn.kill();
    if (conn.state === 'connected') conn.state = 'crashed';
    let failure = { reason, message };
    for (;;) {
      if (this.disposed) return 'the tools of this agent were closed';
      const willRestart = conn.restarts < this.options.maxRestarts;
      this.hooks.onFail?.({ server: conn.name, pid: conn.pid ?? previousPid, ...failure, restarts: conn.restarts, willRestart });
      if (!willRestart) {
        if (conn.state !== 'disposed') conn.state = 'failed';
        return this.nowText();
      }
      conn.restarts++;
      try {
        const started = await conn.start();
        this.hooks.onToolsChanged();
        this.hooks.onRestart?.({ server: conn.name, pid: started.pid, previousPid, restarts: conn.restarts, tools: started.tools });
        return this.nowText();
      } catch (err) {
        failure = { reason: 'restartFailed', message: (err as Error).message };
      }
    }
  }

  /** A health check while no call is timing the server (a busy server is judged by its call's timeout, never killed mid-call by a ping). */
  private async ping(): Promise<void> {
    const conn = this.conn;
    if (this.disposed || this.pinging || conn.state !== 'connected' || conn.inFlight > 0) return;
    this.pinging = true;
    const generation = conn.generation;
    try {
      await conn.ping(this.options.pingTimeoutMs);
    } catch (err) {
      // A closed connection is a crash, which the exit hook reports; only silence is a hang.
      const hung = err instanceof McpError && err.code === ErrorCode.RequestTimeout;
      if (hung && !this.disposed && conn.generation === generation && conn.state === 'connected') {
        await this.fail(generation, 'pingTimeout', `MCP server "${conn.name}" did not answer a health ping within ${this.options.pingTimeoutMs} ms`);
      }
    } finally {
      this.pinging = false;
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
  }
}
