import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxSpec } from '../../protocol/sandbox';
import { bubblewrapArgv } from './bubblewrapCommand';
import { removeTree } from './removeTree';
import { findOnPath } from '../process/findOnPath';

/** Top-level system folders a sandbox sees read-only (those that exist); nothing else of the host is mounted. */
const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];
/** Secrets of the host itself under /etc, hidden even though /etc is visible. */
const MASKED_PATHS = ['/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-', '/etc/sudoers', '/etc/sudoers.d', '/etc/ssh', '/etc/ssl/private', '/etc/security/opasswd'];

function systemEntries(): SandboxSpec['system'] {
  const out: SandboxSpec['system'] = [];
  for (const p of SYSTEM_PATHS) {
    try {
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out.push({ path: p, symlink: fs.readlinkSync(p) });
      else if (st.isDirectory()) out.push({ path: p });
    } catch {
      // absent on this system
    }
  }
  return out;
}

function maskedEntries(): SandboxSpec['masked'] {
  const out: SandboxSpec['masked'] = [];
  for (const p of MASKED_PATHS) {
    try {
      out.push({ path: p, dir: fs.statSync(p).isDirectory() });
    } catch {
      // absent
    }
  }
  return out;
}

/** Node's own install when it lives outside the system folders (nvm, /opt, a VS Code build). */
function nodeInstall(): string[] {
  const prefix = path.dirname(path.dirname(fs.realpathSync(process.execPath)));
  return SYSTEM_PATHS.some((p) => prefix === p || prefix.startsWith(p + '/')) || prefix === '/' ? [] : [prefix];
}

function unsupported(summary: string): SandboxSpec {
  return { kind: 'none', summary, system: [], masked: [], readable: [] };
}

/** Runs a short probe; returns stderr when it failed. */
function probe(argv: string[], cwd: string): string | null {
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, encoding: 'utf8', timeout: 10_000 });
  if (r.error) return r.error.message;
  return r.status === 0 ? null : (r.stderr || `exit ${r.status}`).trim();
}

const cache = new Map<string, SandboxSpec>();

/**
 * What can confine agent-side processes here, checked for real once per process: bubblewrap
 * starts a sandbox (nested too, for per-command PID namespaces), and overlayfs mounts inside a user
 * namespace (copy-on-write dependencies). `readable` adds folders every sandbox must see (Loom's bundle).
 * `LOOM_SANDBOX=none` turns confinement off on purpose (the run still says so, and commands need approval).
 */
export function detectSandbox(readable: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): SandboxSpec {
  const key = JSON.stringify([readable, env.LOOM_SANDBOX ?? '', env.PATH ?? '']);
  const known = cache.get(key);
  if (known) return known;
  const spec = detect(readable, env);
  cache.set(key, spec);
  return spec;
}

function detect(readable: readonly string[], env: NodeJS.ProcessEnv): SandboxSpec {
  if (env.LOOM_SANDBOX === 'none') return unsupported('no sandbox: turned off with LOOM_SANDBOX=none');
  if (process.platform !== 'linux') {
    return unsupported(`no sandbox on ${process.platform}: Loom confines agents with bubblewrap on Linux only`);
  }
  const bwrap = findOnPath('bwrap', env.PATH);
  if (!bwrap) return unsupported('no sandbox: bubblewrap (bwrap) is not installed; on Debian/Ubuntu: apt-get install bubblewrap');
  const base: SandboxSpec = {
    kind: 'bubblewrap',
    summary: '',
    bwrap,
    system: systemEntries(),
    masked: maskedEntries(),
    readable: [...new Set([...nodeInstall(), ...readable])],
  };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'loom-sandbox-probe-'));
  try {
    const lease = path.join(scratch, 'lease');
    fs.mkdirSync(path.join(lease, 'deps'), { recursive: true });
    const confinement = { writable: [lease], readable: [], dependencies: [], network: 'loopback' as const };
    const failed = probe(bubblewrapArgv(base, confinement, ['/bin/sh', '-c', 'echo ok > probe'], lease), lease);
    if (failed !== null) {
      return unsupported(`no sandbox: bubblewrap cannot start one here (${failed.split('\n')[0]}); unprivileged user namespaces may be disabled`);
    }
    const unshare = findOnPath('unshare', env.PATH);
    let overlay = false;
    if (unshare) {
      for (const d of ['lower', 'upper', 'work']) fs.mkdirSync(path.join(scratch, d));
      fs.writeFileSync(path.join(scratch, 'lower', 'f'), 'lower');
      fs.mkdirSync(path.join(scratch, 'lower', 'd', 'e'), { recursive: true });
      const dep = { lower: path.join(scratch, 'lower'), upper: path.join(scratch, 'upper'), work: path.join(scratch, 'work'), target: path.join(lease, 'deps') };
      const withOverlay = { ...base, unshare };
      const writeAndRemove = ['/bin/sh', '-c', 'echo upper > deps/f && mkdir -p deps/d/e && rm -r deps/d'];
      overlay = probe(bubblewrapArgv(withOverlay, { ...confinement, dependencies: [dep] }, writeAndRemove, lease), lease) === null;
      overlay &&= fs.readFileSync(path.join(scratch, 'lower', 'f'), 'utf8') === 'lower' && fs.existsSync(path.join(scratch, 'lower', 'd', 'e'));
    }
    return {
      ...base,
      ...(overlay ? { unshare } : {}),
      summary: overlay
        ? 'bubblewrap sandbox: each agent sees its worktree read-write, dependencies copy-on-write, system folders read-only; no home, no checkout, private /tmp, loopback-only network'
        : 'bubblewrap sandbox (dependencies read-only: overlayfs is not available in a user namespace here): each agent sees its worktree read-write, system folders read-only; no home, no checkout, private /tmp, loopback-only network',
    };
  } finally {
    removeTree(scratch);
  }
}
