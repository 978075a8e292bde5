// Starts code-server (VS Code 1.100.3 running on this Node) on 127.0.0.1 for tests, with its own
// HOME, TMPDIR, user-data and extensions folders, and stops it with its whole process group.
// Facts behind each choice: /work/shared/harness/REAL-VSCODE.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Disposable } from '../../extension/base/disposable';

/** Where install.sh puts code-server; LOOM_CODE_SERVER overrides it (a folder holding out/node/entry.js). */
export const codeServerRoot = resolve(process.env.LOOM_CODE_SERVER ?? join(__dirname, 'node_modules', 'code-server'));

export interface CodeServerOptions {
  /** Extra environment for code-server and so for the extension host (which runs on its Node). */
  readonly env?: Record<string, string>;
  /** VS Code user settings merged over the quiet defaults below. */
  readonly settings?: Record<string, unknown>;
  /** How long to wait for GET /healthz. Default 60 s. */
  readonly startTimeoutMs?: number;
  /** Keep the state folder (logs, user data) after dispose, for debugging. */
  readonly keepState?: boolean;
  /** Receives code-server's own stdout/stderr lines as they come. */
  readonly onOutput?: (line: string) => void;
}

export interface WorkbenchUrlOptions {
  /** Folder to open; absolute path on this machine. */
  readonly folder?: string;
  /** Absolute path of the extension under test (the folder with its package.json). */
  readonly extensionDevelopmentPath?: string;
  /** Absolute path of a CommonJS module exporting `run(): Promise<void>`. */
  readonly extensionTestsPath?: string;
}

const quietSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.autoRepositoryDetection': false,
};

export class CodeServer implements Disposable {
  private disposed = false;
  private readonly exited: Promise<void>;
  private readonly outputLines: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    /** Root of this instance's state: home/, tmp/, user-data/, extensions/, workspace/. */
    readonly stateDir: string,
    private readonly keepState: boolean,
    onOutput: ((line: string) => void) | undefined,
  ) {
    this.exited = new Promise((res) => child.once('exit', () => res()));
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.outputLines.push(line);
        if (this.outputLines.length > 2000) this.outputLines.shift();
        onOutput?.(line);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  static async start(options: CodeServerOptions = {}): Promise<CodeServer> {
    const entry = join(codeServerRoot, 'out', 'node', 'entry.js');
    if (!existsSync(join(codeServerRoot, 'lib', 'vscode', 'node_modules'))) {
      throw new Error(`code-server is not installed at ${codeServerRoot}; run: bash test/vscode/install.sh`);
    }
    const nodeMajor = Number(process.versions.node.split('.')[0]);
    if (nodeMajor !== 20) throw new Error(`code-server 4.100.3 needs Node 20; this is Node ${process.versions.node}`);

    const stateDir = await mkdtemp(join(tmpdir(), 'loom-vscode-'));
    const dirs = {
      home: join(stateDir, 'home'),
      tmp: join(stateDir, 'tmp'),
      userData: join(stateDir, 'user-data'),
      extensions: join(stateDir, 'extensions'),
      workspace: join(stateDir, 'workspace'),
    };
    for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
    await mkdir(join(dirs.userData, 'User'), { recursive: true });
    await writeFile(
      join(dirs.userData, 'User', 'settings.json'),
      JSON.stringify({ ...quietSettings, ...options.settings }, null, 2),
    );

    // The fresh HOME has no git identity; tests that commit in the extension host need one.
    await writeFile(
      join(dirs.home, '.gitconfig'),
      '[user]\n\tname = Loom Test\n\temail = test@loom.invalid\n[init]\n\tdefaultBranch = main\n',
    );

    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      // Variables from an enclosing VS Code would point the server at the wrong IPC sockets.
      if (value === undefined || key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') continue;
      env[key] = value;
    }
    Object.assign(env, { HOME: dirs.home, TMPDIR: dirs.tmp, XDG_CONFIG_HOME: join(dirs.home, '.config'), XDG_DATA_HOME: join(dirs.home, '.local', 'share') });
    Object.assign(env, options.env);

    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [
          entry,
          '--bind-addr', `127.0.0.1:${port}`,
          '--auth', 'none',
          '--disable-telemetry',
          '--disable-update-check',
          '--disable-workspace-trust',
          '--disable-getting-started-override',
          '--user-data-dir', dirs.userData,
          '--extensions-dir', dirs.extensions,
        ],
        { cwd: stateDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const server = new CodeServer(child, port, stateDir, options.keepState ?? false, options.onOutput);
      try {
        await server.waitHealthy(options.startTimeoutMs ?? 60_000);
        return server;
      } catch (err) {
        lastError = err;
        await server.stopProcess();
      }
    }
    if (!options.keepState) await rm(stateDir, { recursive: true, force: true });
    throw lastError;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A folder inside the state dir, empty unless a test put something there; the default workspace. */
  get defaultWorkspace(): string {
    return join(this.stateDir, 'workspace');
  }

  /** The process id of code-server, which leads its own process group. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last lines code-server printed (at most 2000). */
  get output(): string {
    return this.outputLines.join('\n');
  }

  /**
   * The workbench URL that loads the development extension and runs the tests module in the
   * extension host. code-server rejects these as CLI flags, so they travel in the URL payload.
   */
  workbenchUrl(options: WorkbenchUrlOptions = {}): string {
    const remote = (path: string) => `vscode-remote://127.0.0.1:${this.port}${resolve(path)}`;
    const payload: [string, string][] = [];
    if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
    if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
    payload.push(['skipWelcome', 'true']);
    const params = new URLSearchParams();
    params.set('folder', resolve(options.folder ?? this.defaultWorkspace));
    params.set('payload', JSON.stringify(payload));
    return `${this.baseUrl}/?${params.toString()}`;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.stopProcess();
    if (!this.keepState) await rm(this.stateDir, { recursive: true, force: true }).catch(() => undefined);
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitedEarly = false;
    void this.exited.then(() => (exitedEarly = true));
    while (Date.now() < deadline) {
      if (exitedEarly) throw new Error(`code-server exited before it was ready:\n${this.output}`);
      try {
        const response = await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (response.ok) {
          const body = (await response.json()) as { status?: string };
          if (body.status === 'alive' || body.status === 'expired') return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGTERM to the whole group (server, extension hosts, their children), SIGKILL after 5 s. */
  private async stopProcess(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-pid, signal);
        return true;
      } catch {
        return false; // the group is gone
      }
    };
    if (!signalGroup('SIGTERM')) return;
    const timer = setTimeout(() => signalGroup('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
    // The leader may exit before its children; make sure nothing in the group survives it.
    for (let i = 0; i < 50 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    signalGroup('SIGKILL');
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A port the OS just handed out on 127.0.0.1 (start() retries if someone takes it first). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.unref();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? res(address.port) : rej(new Error('no port'))));
    });
  });
}
