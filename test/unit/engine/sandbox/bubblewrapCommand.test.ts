import assert from 'node:assert/strict';
import { bubblewrapArgv } from '../../../../extension/engine/sandbox/bubblewrapCommand';
import { detectSandbox } from '../../../../extension/engine/sandbox/detectSandbox';
import type { Confinement, SandboxSpec } from '../../../../extension/protocol/sandbox';

const spec: SandboxSpec = {
  kind: 'bubblewrap',
  summary: 'test',
  bwrap: '/usr/bin/bwrap',
  unshare: '/usr/bin/unshare',
  system: [{ path: '/usr' }, { path: '/bin', symlink: 'usr/bin' }],
  masked: [{ path: '/etc/shadow', dir: false }],
  readable: ['/opt/loom/dist'],
};
const lease = '/home/u/.loom/runs/r/worktrees/t';
const base: Confinement = { writable: [lease], readable: [], dependencies: [], network: 'loopback' };

/** The value after a flag, for each occurrence. */
function after(argv: string[], flag: string): string[] {
  return argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));
}

describe('engine/sandbox/bubblewrapCommand', () => {
  it('unshares everything, shares the network only when granted, and runs the command last', () => {
    const argv = bubblewrapArgv(spec, base, ['node', '-e', '1'], lease);
    assert.equal(argv[0], '/usr/bin/bwrap');
    assert.ok(argv.includes('--unshare-all') && argv.includes('--die-with-parent'));
    assert.ok(!argv.includes('--share-net'), 'loopback only by default');
    const offline = argv.indexOf('npm_config_offline');
    assert.ok(offline > 0 && argv[offline - 1] === '--setenv' && argv[offline + 1] === 'true', 'loopback only: npm is told it is offline, so it fails fast instead of retrying');
    assert.deepEqual(argv.slice(-4), ['--', 'node', '-e', '1']);
    const host = bubblewrapArgv(spec, { ...base, network: 'host' }, ['x'], lease);
    assert.ok(host.includes('--share-net'));
    assert.ok(!host.includes('npm_config_offline'), 'with the host network (a setup recipe) npm may fetch');
  });

  it("mounts only system folders, Loom's bundle and the lease: never / or the user's home", () => {
    const argv = bubblewrapArgv(spec, base, ['true'], lease);
    assert.deepEqual(after(argv, '--ro-bind'), ['/usr', '/dev/null'], 'the system folder, and /dev/null over /etc/shadow');
    assert.deepEqual(after(argv, '--bind'), [lease]);
    assert.ok(after(argv, '--ro-bind-try').includes('/opt/loom/dist'));
    assert.ok(after(argv, '--ro-bind-try').includes(`${lease}/.git`), "the lease's .git file is read-only");
    assert.ok(!argv.includes('/home/u') && !after(argv, '--ro-bind').includes('/'));
    assert.ok(after(argv, '--tmpfs').includes('/tmp'));
  });

  it('overlays dependencies copy-on-write through unshare, and falls back to read-only for paths overlayfs cannot take', () => {
    const dep = { lower: '/repo/node_modules', target: `${lease}/node_modules`, upper: '/runs/r/deps/t/0/upper', work: '/runs/r/deps/t/0/work' };
    const argv = bubblewrapArgv(spec, { ...base, dependencies: [dep] }, ['true'], lease);
    assert.equal(argv[0], '/usr/bin/unshare');
    assert.deepEqual(argv.slice(argv.indexOf('loom-sandbox') + 1, argv.indexOf('loom-sandbox') + 6), [dep.lower, dep.upper, dep.work, dep.target, '--']);
    const odd = { ...dep, lower: '/repo,x/node_modules' };
    const fallback = bubblewrapArgv(spec, { ...base, dependencies: [odd] }, ['true'], lease);
    assert.equal(fallback[0], '/usr/bin/bwrap');
    assert.deepEqual(after(fallback, '--ro-bind-try').slice(-1), [odd.lower]);
  });

  it('detection says plainly when there is no sandbox and why', () => {
    const off = detectSandbox([], { ...process.env, LOOM_SANDBOX: 'none' });
    assert.equal(off.kind, 'none');
    assert.match(off.summary, /no sandbox: turned off with LOOM_SANDBOX=none/);
    const missing = detectSandbox([], { PATH: '/nonexistent' });
    assert.equal(missing.kind, 'none');
    assert.match(missing.summary, process.platform === 'linux' ? /bubblewrap \(bwrap\) is not installed; on Debian\/Ubuntu: apt-get install bubblewrap/ : /no sandbox/);
  });

  it('detects a working bubblewrap sandbox on this machine (Linux; CI installs bubblewrap)', () => {
    const found = detectSandbox();
    assert.equal(found.kind, 'bubblewrap', found.summary);
    assert.ok(found.unshare, 'overlayfs in a user namespace works here (FACTS.md)');
  });
});
