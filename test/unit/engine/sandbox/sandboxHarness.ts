import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectSandbox } from '../../../../extension/engine/sandbox/detectSandbox';
import { snapshotRepo, type RepoSnapshot } from '../../../../extension/engine/workspace/gitRepo';
import { makeRepo, makeTempDir, git } from '../../../fixtures/gitRepo';
import { startSandboxedAgent, type SandboxedAgent } from '../../../fixtures/sandboxedAgent';
import { buildToolServer } from '../tools/toolTestHelpers';

/**
 * Shared by the sandbox escape suite and the isolation tests: a user repository full of canaries,
 * agents started exactly as a run starts them, and checks of the real effect on the host.
 */

/** Fails fast with a clear message (instead of silently running unconfined) when bubblewrap is missing. */
export function requireBubblewrap(ctx: Mocha.Context): void {
  if (process.platform !== 'linux') ctx.skip();
  const spec = detectSandbox();
  if (spec.kind !== 'bubblewrap') {
    throw new Error(`the sandbox tests need a working bubblewrap on Linux (CI installs it: apt-get install bubblewrap): ${spec.summary}`);
  }
  if (!spec.unshare) throw new Error(`the sandbox tests need overlayfs in a user namespace (copy-on-write node_modules): ${spec.summary}`);
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A digest of a whole tree: every path, its type, mode, size and bytes (symlinks by target). */
export function hashTree(root: string, exclude: (abs: string) => boolean = () => false): string {
  const h = createHash('sha256');
  const visit = (dir: string): void => {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      h.update(`!${dir}\0`);
      return;
    }
    for (const name of names) {
      const abs = path.join(dir, name);
      if (exclude(abs)) continue;
      const st = fs.lstatSync(abs);
      h.update(`${path.relative(root, abs)}\0${st.mode}\0`);
      if (st.isSymbolicLink()) h.update(`->${fs.readlinkSync(abs)}\0`);
      else if (st.isDirectory()) visit(abs);
      else h.update(`${st.size}\0`).update(fs.readFileSync(abs)).update('\0');
    }
  };
  visit(root);
  return h.digest('hex');
}

/** The state of one host path: absent, or its type and content (a folder by its whole tree). */
export function hostState(p: string): string {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return 'absent';
  }
  if (st.isSymbolicLink()) return `link:${fs.readlinkSync(p)}`;
  if (st.isDirectory()) return `dir:${st.mode}:${hashTree(p)}`;
  return `file:${st.mode}:${st.mtimeMs}:${sha256(fs.readFileSync(p))}`;
}

/** Processes on the host whose cwd, root or command line mention `needle`. */
export function hostProcessesMentioning(needle: string): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const base = `/proc/${entry}`;
    let cmdline = '';
    let cwd = '';
    try {
      cmdline = fs.readFileSync(`${base}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = fs.readFileSync(`${base}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
    } catch {
      continue;
    }
    try {
      cwd = fs.readlinkSync(`${base}/cwd`);
    } catch {
      // not ours to read, or gone
    }
    if (cmdline.includes(needle) || cwd.includes(needle)) found.push({ pid: Number(entry), cmdline });
  }
  return found;
}

/** `pid` and every process below it on the host. */
export function hostDescendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** The stdout section of run_command's text. */
export function stdoutOf(text: string): string {
  const start = text.indexOf('--- stdout ---\n');
  const end = text.lastIndexOf('\n--- stderr ---');
  if (start < 0) return '';
  return text.slice(start + '--- stdout ---\n'.length, end < 0 ? undefined : end);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface Canaries {
  /** Contents no agent-side process can see at all: finding one is an escape. */
  invisible: Record<string, string>;
  /** Contents visible read-only inside the sandbox by design (the shared .git) but never through the file tools. */
  guarded: Record<string, string>;
}

/** The world a hostile agent is dropped into. */
export interface World {
  tok: string;
  repo: string;
  runDir: string;
  fakeHome: string;
  realHome: string;
  hostTmpDir: string;
  toolServer: string;
  paths: {
    secret: string;
    dotenv: string;
    homeKey: string;
    homeNpmrc: string;
    gitDir: string;
    gitConfig: string;
    hook: string;
    hostTmpCanary: string;
  };
  canaries: Canaries;
  envCanary: string;
  /** The user's HEAD etc. before anything ran. */
  repoBefore: RepoSnapshot;
  nodeModulesBefore: string;
  cleanup(): Promise<void>;
}

export async function makeWorld(): Promise<World> {
  const tok = `loomesc${randomBytes(5).toString('hex')}`;
  const c = (label: string) => `${label}-CANARY-${randomBytes(6).toString('hex')}`;
  const invisible = {
    checkout: c('CHECKOUT'),
    dotenv: c('DOTENV'),
    home: c('HOME'),
    npmrc: c('NPMRC'),
    hostTmp: c('HOSTTMP'),
    env: c('ENVVAR'),
    otherLease: c('OTHERLEASE'),
  };
  const guarded = { gitConfig: c('GITCONFIG'), hook: c('HOOK') };

  const repoTmp = await makeRepo({
    'a.txt': 'a\n',
    'src/index.js': 'module.exports = 1;\n',
    '.gitignore': 'node_modules\n.env\nsecret-outside.txt\n',
    'package.json': JSON.stringify({ name: 'victim', version: '1.0.0', private: true }, null, 2) + '\n',
  });
  const repo = repoTmp.dir;
  // A second commit, so moving the user's main back is a real change.
  fs.writeFileSync(path.join(repo, 'b.txt'), 'b\n');
  await git(repo, 'add', 'b.txt');
  await git(repo, 'commit', '-q', '--no-verify', '-m', 'second');
  await git(repo, 'config', 'loomcanary.token', guarded.gitConfig);
  const gitDir = path.join(repo, '.git');
  const paths = {
    secret: path.join(repo, 'secret-outside.txt'),
    dotenv: path.join(repo, '.env'),
    homeKey: '',
    homeNpmrc: '',
    gitDir,
    gitConfig: path.join(gitDir, 'config'),
    hook: path.join(gitDir, 'hooks', 'pre-commit'),
    hostTmpCanary: '',
  };
  fs.writeFileSync(paths.secret, `${invisible.checkout}\n`);
  fs.writeFileSync(paths.dotenv, `API_KEY=${invisible.dotenv}\n`);
  fs.writeFileSync(paths.hook, `#!/bin/sh\n# ${guarded.hook}\nexit 0\n`, { mode: 0o755 });
  // The user's installed dependencies.
  for (const [rel, content] of Object.entries({
    'node_modules/dep/package.json': '{"name":"dep","version":"1.0.0","main":"index.js"}\n',
    'node_modules/dep/index.js': 'module.exports = "dep-1";\n',
    'node_modules/other/package.json': '{"name":"other","version":"2.0.0"}\n',
    'node_modules/other/lib/x.js': 'module.exports = "x";\n',
  })) {
    fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    fs.writeFileSync(path.join(repo, rel), content);
  }
  fs.mkdirSync(path.join(repo, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync('../dep/index.js', path.join(repo, 'node_modules/.bin/dep'));

  const home = await makeTempDir('loom-esc-home-');
  const fakeHome = home.dir;
  paths.homeKey = path.join(fakeHome, '.ssh', 'id_ed25519');
  paths.homeNpmrc = path.join(fakeHome, '.npmrc');
  fs.mkdirSync(path.dirname(paths.homeKey), { recursive: true });
  fs.writeFileSync(paths.homeKey, `${invisible.home}\n`);
  fs.writeFileSync(paths.homeNpmrc, `//registry.npmjs.org/:_authToken=${invisible.npmrc}\n`);

  const hostTmp = await makeTempDir('loom-esc-hosttmp-');
  paths.hostTmpCanary = path.join(hostTmp.dir, 'canary.txt');
  fs.writeFileSync(paths.hostTmpCanary, `${invisible.hostTmp}\n`);

  const run = await makeTempDir('loom-esc-run-');
  const realHome = os.userInfo().homedir;
  return {
    tok,
    repo,
    runDir: run.dir,
    fakeHome,
    realHome,
    hostTmpDir: hostTmp.dir,
    toolServer: await buildToolServer(),
    paths,
    canaries: { invisible, guarded },
    envCanary: invisible.env,
    repoBefore: await snapshotRepo(repo),
    nodeModulesBefore: hashTree(path.join(repo, 'node_modules')),
    async cleanup() {
      await repoTmp.cleanup();
      await home.cleanup();
      await hostTmp.cleanup();
      await run.cleanup();
    },
  };
}

export async function startAgent(world: World, taskId: string): Promise<SandboxedAgent> {
  const agent = await startSandboxedAgent({ repo: world.repo, runDir: world.runDir, toolServer: world.toolServer, taskId, commandTimeoutMs: 15_000 });
  if (agent.sandbox.spec.kind !== 'bubblewrap') {
    await agent.dispose();
    throw new Error(`the agent is not sandboxed: ${agent.sandbox.spec.summary}`);
  }
  return agent;
}

export type Call = (name: string, args: unknown) => Promise<{ ok: boolean; text: string }>;

export function caller(agent: SandboxedAgent): Call {
  return (name, args) => agent.tools.call(name, JSON.stringify(args));
}

/** Runs `fn` over `items`, at most `limit` at a time (sandboxed commands are slow; the host has few cores). */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
