import * as esbuild from 'esbuild';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');
let bundlePromise: Promise<string> | undefined;

/** Builds Loom's tool server bundle once per test process, into a temp dir (not dist/, which others build too). */
export function buildToolServer(): Promise<string> {
  bundlePromise ??= (async () => {
    const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loom-tool-server-'));
    const outfile = path.join(outDir, 'loomToolServer.js');
    await esbuild.build({
      entryPoints: [path.join(repoRoot, 'extension/engine/tools/server/main.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile,
      logLevel: 'warning',
    });
    return outfile;
  })();
  return bundlePromise;
}

/** The installed @modelcontextprotocol/server-filesystem entry (npx does not work offline). */
export function filesystemServerScript(): string {
  return require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js', { paths: [repoRoot] });
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when /proc says the pid is gone or a zombie. */
export async function isDead(pid: number): Promise<boolean> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function environOf(pid: number): Promise<Record<string, string>> {
  const raw = await fs.readFile(`/proc/${pid}/environ`, 'utf8');
  const env: Record<string, string> = {};
  for (const entry of raw.split('\0').filter(Boolean)) {
    const eq = entry.indexOf('=');
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Call inside a describe: what a test pushes is undone after it, last first. */
export function cleanupAfterEach(): Array<() => unknown> {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return cleanup;
}
