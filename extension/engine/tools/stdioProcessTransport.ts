import { spawn, type ChildProcess } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { killProcessTree } from '../process/killProcessTree';

export interface StdioProcessParams {
  command: string;
  args: string[];
  cwd: string;
  /** The child's COMPLETE environment: nothing from process.env is added. */
  env: Record<string, string>;
  /** Every stderr chunk (stderr is always piped and drained). */
  onStderr?: (chunk: string) => void;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * An MCP client transport over a subprocess's stdin/stdout, like the SDK's StdioClientTransport
 * but with an exact environment (the SDK's always merges HOME, LOGNAME, PATH, SHELL, TERM and USER
 * from the parent) and its own process group, so that close() or a crash of the server also ends
 * anything it started.
 */
export class StdioProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcess;
  private readonly readBuffer = new ReadBuffer();
  private exitInfo?: ProcessExit;
  private readonly exitWaiters: Array<(exit: ProcessExit) => void> = [];
  private closed = false;

  constructor(private readonly params: StdioProcessParams) {}

  /** The subprocess pid, once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Set once the subprocess has exited. */
  get exit(): ProcessExit | undefined {
    return this.exitInfo;
  }

  /** Resolves when the subprocess has exited (immediately if it already has). */
  waitForExit(): Promise<ProcessExit> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  start(): Promise<void> {
    if (this.child) throw new Error('StdioProcessTransport already started');
    return new Promise((resolve, reject) => {
      const child = spawn(this.params.command, this.params.args, {
        cwd: this.params.cwd,
        env: this.params.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
      this.child = child;
      let spawned = false;
      child.on('error', (error) => {
        if (!spawned) reject(error);
        this.onerror?.(error);
      });
      child.on('spawn', () => {
        spawned = true;
        resolve();
      });
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        // Whatever the server started (commands, daemons) is in its process group: end it too.
        this.killGroup('SIGKILL');
        for (const waiter of this.exitWaiters.splice(0)) waiter(this.exitInfo);
        // A grandchild holding the pipes open must not hide the server's death from the client.
        setTimeout(() => {
          if (this.closed) return;
          child.stdout?.destroy();
          child.stderr?.destroy();
          child.stdin?.destroy();
        }, 200).unref();
      });
      child.on('close', () => {
        // Without a spawn (ENOENT…) there is no exit event: still release waiters.
        if (!this.exitInfo) {
          this.exitInfo = { code: child.exitCode, signal: child.signalCode };
          for (const waiter of this.exitWaiters.splice(0)) waiter(this.exitInfo);
        }
        this.closed = true;
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => {
        try {
          this.readBuffer.append(chunk);
          for (;;) {
            let message: JSONRPCMessage | null;
            try {
              message = this.readBuffer.readMessage();
            } catch (error) {
              // A line that is not JSON-RPC (a stray console.log): report it and go on.
              this.onerror?.(error as Error);
              continue;
            }
            if (message === null) break;
            this.onmessage?.(message);
          }
        } catch (error) {
          this.onerror?.(error as Error);
          void this.close();
        }
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => this.params.onStderr?.(chunk));
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || this.closed || stdin.destroyed) {
        reject(new Error('Not connected'));
        return;
      }
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Closes stdin, waits briefly, then SIGTERMs and finally SIGKILLs the process group. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (!this.exitInfo) {
      try {
        child.stdin?.end();
      } catch {
        // ignore
      }
      const exited = this.waitForExit();
      const wait = (ms: number) => Promise.race([exited, new Promise((r) => setTimeout(r, ms).unref())]);
      await wait(1000);
      if (!this.exitInfo) {
        this.killGroup('SIGTERM');
        await wait(1000);
      }
      if (!this.exitInfo) {
        this.killGroup('SIGKILL');
        await wait(2000);
      }
    }
    // Whatever the server started in its group goes with it.
    this.killGroup('SIGKILL');
    this.readBuffer.clear();
  }

  /** Kills the process and everything it started now (used after a crash or timeout). */
  killGroup(signal: NodeJS.Signals): void {
    killProcessTree(this.child?.pid, signal);
  }
}
