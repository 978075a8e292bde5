import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { snapshotRepo } from '../../../../extension/engine/workspace/gitRepo';
import type { SandboxedAgent } from '../../../fixtures/sandboxedAgent';
import { EscapeLedger, OPS_SCRIPT, parseOps, type Attempt, type Finding, type Op, type Watched } from './escapeLedger';
import {
  caller,
  hashTree,
  hostProcessesMentioning,
  hostState,
  makeWorld,
  pool,
  requireBubblewrap,
  sleep,
  startAgent,
  stdoutOf,
  type Call,
  type World,
} from './sandboxHarness';

/**
 * The escape suite (issue 6): a hostile agent with Loom's real tool server and real run_command,
 * in the real bubblewrap sandbox, tries to read or change anything outside its lease. Every attempt
 * is judged by the state of the host (files, the user's HEAD/index/status, processes, sockets),
 * not by what the tool answered. Expected: 0 escapes.
 */
describe('engine/sandbox escape suite', function () {
  this.timeout(120_000);

  let world: World;
  let attacker: SandboxedAgent;
  let victim: SandboxedAgent;
  let call: Call;
  let ledger: EscapeLedger;
  let lease: string;
  let otherLease: string;
  let otherCanary: string;
  let worktrees: string;
  let bundleDir: string;
  let savedHome: string | undefined;
  let savedCanary: string | undefined;
  const cleanups: Array<() => unknown> = [];

  /** run_command; the outcome as one string ("OK …" / "ERR …"). */
  async function cmd(argv: string[]): Promise<string> {
    const r = await call('run_command', { command: argv });
    return `${r.ok ? 'OK' : 'ERR'} ${r.text}`;
  }
  async function tool(name: string, args: unknown): Promise<string> {
    const r = await call(name, args);
    return `${r.ok ? 'OK' : 'ERR'} ${r.text}`;
  }
  /** One run of OPS_SCRIPT inside the sandbox. */
  async function ops(list: Op[]): Promise<Record<string, string>> {
    return parseOps(list, await cmd(['node', '-e', OPS_SCRIPT, JSON.stringify(list)]));
  }
  /** An attempt per op, judged together after one command. */
  function opsAttempts(family: string, list: (Op & { targets?: string[]; verdict?: Attempt['verdict'] })[]): Promise<Record<string, string>> {
    return ledger.run(
      family,
      list.map((o) => ({ name: o.id, targets: o.targets, verdict: o.verdict })),
      () => ops(list.map(({ targets: _t, verdict: _v, ...op }) => op)),
    );
  }
  /** File-tool attempts run one after another and are judged together (the host checks are the slow part). */
  let pending: { attempt: Attempt; act: () => Promise<string> }[] = [];
  function queue(attempt: Attempt, act: () => Promise<string>): void {
    pending.push({ attempt, act });
  }
  async function flush(family: string): Promise<void> {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    await ledger.run(family, batch.map((b) => b.attempt), async () => {
      const out: Record<string, string> = {};
      for (const b of batch) out[b.attempt.name] = await b.act();
      return out;
    }, { fileTool: true });
  }
  /** The tool refused (a file tool must never act outside the lease or in .git). */
  const mustRefuse: Attempt['verdict'] = (out) => (out.startsWith('OK') ? { kind: 'guard', detail: `tool did not refuse: ${out.slice(0, 160)}` } : null);
  const rel = (p: string) => path.relative(lease, p);
  const tokPath = (dir: string, tag: string) => path.join(dir, `${world.tok}-${tag}`);

  function expectNone(family: string, only?: 'escape'): void {
    const found = ledger.of(family, only);
    assert.deepEqual(found, [], `${family}: ${found.length} finding(s):\n${found.map(show).join('\n')}`);
  }

  before(async function () {
    requireBubblewrap(this);
    world = await makeWorld();
    cleanups.push(() => world.cleanup());
    // The test process's own environment and home: nothing of either may reach the agent.
    savedHome = process.env.HOME;
    savedCanary = process.env.LOOM_TEST_CANARY_TOKEN;
    process.env.HOME = world.fakeHome;
    process.env.LOOM_TEST_CANARY_TOKEN = world.envCanary;
    attacker = await startAgent(world, 't1');
    victim = await startAgent(world, 'victim');
    call = caller(attacker);
    lease = attacker.lease.path;
    otherLease = victim.lease.path;
    otherCanary = path.join(otherLease, 'other-canary.txt');
    fs.writeFileSync(otherCanary, `${world.canaries.invisible.otherLease}\n`);
    worktrees = path.dirname(lease);
    bundleDir = path.dirname(world.toolServer);

    const bundleState = () => fs.readdirSync(bundleDir).map((n) => `${n}:${fs.statSync(path.join(bundleDir, n)).size}:${fs.statSync(path.join(bundleDir, n)).mtimeMs}`).join(',');
    const watched: Watched[] = [
      { key: 'checkout', path: world.repo, state: () => hashTree(world.repo, (p) => p === world.paths.gitDir) },
      { key: 'git dir', path: world.paths.gitDir, state: () => hashTree(world.paths.gitDir) },
      { key: 'node_modules', path: path.join(world.repo, 'node_modules'), state: () => hashTree(path.join(world.repo, 'node_modules')) },
      { key: 'fake HOME', path: world.fakeHome, state: () => hashTree(world.fakeHome) },
      { key: 'host /tmp canary', path: world.hostTmpDir, state: () => hashTree(world.hostTmpDir) },
      { key: "lease's .git file", path: path.join(lease, '.git'), state: () => hostState(path.join(lease, '.git')) },
      { key: 'other lease', path: otherLease, state: () => hashTree(otherLease, (p) => p.startsWith(path.join(otherLease, 'victim-work'))) },
      { key: 'worktrees root', path: worktrees, state: () => fs.readdirSync(worktrees).sort().join(',') },
      { key: 'run folder', path: world.runDir, state: () => fs.readdirSync(world.runDir).sort().join(',') },
      { key: 'tool server bundle', path: bundleDir, state: bundleState },
    ];
    const { invisible, guarded } = world.canaries;
    ledger = new EscapeLedger(watched, Object.values(invisible), [...Object.values(guarded), 'root:x:0:0', 'LOOM_AGENT_ID=', 'gitdir:']);
    ledger.setBaseline();
  });

  after(async function () {
    if (ledger) {
      const escapes = ledger.findings.filter((f) => f.kind === 'escape').length;
      const guard = ledger.findings.filter((f) => f.kind === 'guard').length;
      const byFamily = [...ledger.families].map(([f, n]) => `${f} ${n}`).join(', ');
      console.log(`\n    escape suite: ${ledger.attempts} attempts, ${escapes} escapes, ${guard} file-tool guard failures (${byFamily})`);
      for (const f of ledger.findings) console.log(`      ${show(f)}`);
      // Best effort: remove anything an escape left on the host.
      for (const dir of ['/', '/etc', '/usr', '/usr/local/bin', '/home', '/run', '/var/tmp', '/dev/shm', os.tmpdir(), world.realHome]) {
        for (const name of safeReaddir(dir)) if (name.includes(world.tok)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      }
    }
    await victim?.dispose().catch(() => undefined);
    await attacker?.dispose().catch(() => undefined);
    if (savedHome === undefined) delete process.env.HOME;
    else process.env.HOME = savedHome;
    if (savedCanary === undefined) delete process.env.LOOM_TEST_CANARY_TOKEN;
    else process.env.LOOM_TEST_CANARY_TOKEN = savedCanary;
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  it('file tools: `..`, absolute and disguised paths to every canary', async () => {
    const F = 'paths';
    const p = world.paths;
    const variants = (t: string): [string, string][] => {
      const r = rel(t);
      return [
        ['abs', t],
        ['rel', r],
        ['dot', `./${r}`],
        ['updown', `src/../${r}`],
        ['deep', `a/b/c/../../../${r}`],
        ['dblslash', r.replace(/\//g, '//')],
        ['backslash', r.replace(/\//g, '\\')],
        ['fileurl', `file://${t}`],
        ['pct', r.replace(/\.\./g, '%2e%2e')],
        ['viaLease', `${lease}/${r}`],
        ['slashslash', `//${t}`],
        ['nul', `${r}\0.txt`],
        ['tilde', `~/${path.relative(world.fakeHome, t)}`],
      ];
    };
    const readTargets = [p.secret, p.dotenv, p.homeKey, p.homeNpmrc, p.gitConfig, p.hook, otherCanary, p.hostTmpCanary, '/etc/passwd', '/proc/self/environ'];
    for (const t of readTargets) {
      for (const [v, requested] of variants(t)) {
        queue({ name: `read_file ${v} ${t}` }, () => tool('read_file', { path: requested }));
      }
    }
    const writeDirs = [world.repo, path.join(world.repo, 'src'), world.fakeHome, worktrees, otherLease, path.join(p.gitDir, 'hooks'), world.hostTmpDir, '/etc', os.tmpdir()];
    const writeFiles = [p.secret, p.homeKey, p.gitConfig, p.hook, otherCanary];
    let i = 0;
    for (const t of [...writeDirs.map((d) => tokPath(d, 'paths')), ...writeFiles]) {
      for (const [v, requested] of variants(t)) {
        const target = t.includes(world.tok) ? `${t}-${i++}` : t;
        const req = t.includes(world.tok) ? requested.replace(path.basename(t), path.basename(target)) : requested;
        queue({ name: `write_file ${v} ${target}`, targets: [target] }, () => tool('write_file', { path: req, content: `${world.tok} pwned\n` }));
      }
    }
    for (const d of [world.repo, world.fakeHome, worktrees, otherLease, p.gitDir, '/', '/etc', world.hostTmpDir]) {
      for (const [v, requested] of variants(d).filter(([v]) => !['nul', 'backslash', 'fileurl', 'pct'].includes(v))) {
        // `~/…` is a folder named "~" in the lease, not the home folder: listing it may succeed.
        const verdict = v === 'tilde' ? undefined : mustRefuse;
        queue({ name: `list_files ${v} ${d}`, verdict }, () => tool('list_files', { path: requested }));
      }
      queue({ name: `search glob ${d}` }, () => tool('search', { pattern: 'CANARY|root:x|gitdir', glob: `${rel(d)}/**` }));
      queue({ name: `search abs glob ${d}` }, () => tool('search', { pattern: 'CANARY|root:x|gitdir', glob: `${d}/**` }));
    }
    await flush(F);
    expectNone(F);
  });

  it('file tools: .git and its case variants', async () => {
    const F = '.git';
    const names = [
      '.git', '.git/config', '.GIT/config', '.Git/hooks/x', '.gIt/HEAD', 'sub/.git/config', 'sub/.GIT/hooks/post-checkout',
      './.git/hooks/pre-commit', 'a/../.git/config', '.git/../.git/config', '.git\\config', '.git/', 'src/../.GIT',
      '.git/worktrees/t1/HEAD', '.git/info/attributes', '.git/modules/m/hooks/pre-commit', 'x/y/.GiT/config',
    ];
    for (const n of names) {
      queue({ name: `write_file ${n}`, verdict: mustRefuse }, () => tool('write_file', { path: n, content: `gitdir: /tmp/${world.tok}\n[core]\n\thooksPath = /tmp\n` }));
      queue({ name: `read_file ${n}`, verdict: mustRefuse }, () => tool('read_file', { path: n }));
    }
    for (const n of ['.git', '.GIT', 'sub/.git']) {
      queue({ name: `list_files ${n}`, verdict: mustRefuse }, () => tool('list_files', { path: n }));
    }
    queue({ name: 'search .git glob' }, () => tool('search', { pattern: 'gitdir|hooksPath|CANARY', glob: '.git*' }));
    await flush(F);
    // None of the refused paths may exist in the lease either.
    for (const n of ['sub/.git', 'sub/.GIT', '.GIT', '.Git', '.gIt', 'x/y/.GiT']) {
      if (fs.existsSync(path.join(lease, n))) ledger.add(F, `created ${n}`, 'guard', `${n} exists in the lease`);
    }
    expectNone(F);
  });

  it('symlinks to files, folders and parents: file tools and commands through them', async () => {
    const F = 'symlinks';
    const p = world.paths;
    const fileLinks: Record<string, string> = {
      'l-secret': p.secret,
      'l-dotenv': p.dotenv,
      'l-home': p.homeKey,
      'l-npmrc': p.homeNpmrc,
      'l-gitconfig': p.gitConfig,
      'l-hook': p.hook,
      'l-leasegit': path.join(lease, '.git'),
      'l-other': otherCanary,
      'l-hosttmp': p.hostTmpCanary,
      'l-passwd': '/etc/passwd',
      'l-environ': '/proc/self/environ',
      'l-rel-secret': path.relative(path.join(lease, 'links'), p.secret),
      'l-procroot-secret': `/proc/1/root${p.secret}`,
      'l-chain': 'l-chain2',
      'l-chain2': p.secret,
    };
    const dirLinks: Record<string, string> = {
      'd-repo': world.repo,
      'd-git': p.gitDir,
      'd-hooks': path.join(p.gitDir, 'hooks'),
      'd-home': world.fakeHome,
      'd-ssh': path.dirname(p.homeKey),
      'd-worktrees': worktrees,
      'd-other': otherLease,
      'd-root': '/',
      'd-etc': '/etc',
      'd-up': '../..',
      'd-up2': '../../..',
      'd-tmp': world.hostTmpDir,
      'd-procroot': '/proc/1/root',
    };
    const created = await ops([
      ...Object.entries({ ...fileLinks, ...dirLinks }).map(([name, target]) => ({ id: name, op: 'symlink', p: `links/${name}`, target })),
      { id: 'parent', op: 'sh', cmd: 'mkdir -p deep/inner && ln -sfn ../../.. deep/inner/up && ln -sfn ../.. deep/up1' },
    ]);
    assert.equal(created['l-secret'], 'ok', `could not create the links: ${JSON.stringify(created)}`);
    // A file name in each linked folder that exists on the host.
    const inside: Record<string, string> = {
      'd-repo': 'secret-outside.txt', 'd-git': 'config', 'd-hooks': 'pre-commit', 'd-home': '.npmrc', 'd-ssh': 'id_ed25519',
      'd-worktrees': `${path.basename(otherLease)}/other-canary.txt`, 'd-other': 'other-canary.txt', 'd-root': 'etc/passwd', 'd-etc': 'passwd',
      'd-up': `${path.basename(otherLease)}/other-canary.txt`, 'd-up2': `worktrees/${path.basename(otherLease)}/other-canary.txt`, 'd-tmp': 'canary.txt', 'd-procroot': p.secret.slice(1),
    };
    const hostDirOf = (name: string): string => {
      const t = dirLinks[name];
      return path.resolve(path.join(lease, 'links'), t);
    };
    for (const [name, target] of Object.entries(fileLinks)) {
      queue({ name: `read_file ${name}`, verdict: mustRefuse }, () => tool('read_file', { path: `links/${name}` }));
      const hostTarget = path.resolve(path.join(lease, 'links'), target);
      queue({ name: `write_file ${name}`, targets: [hostTarget], verdict: mustRefuse }, () => tool('write_file', { path: `links/${name}`, content: `${world.tok}\n` }));
    }
    for (const name of Object.keys(dirLinks)) {
      queue({ name: `read_file ${name}/${inside[name]}`, verdict: mustRefuse }, () => tool('read_file', { path: `links/${name}/${inside[name]}` }));
      const newFile = path.join(hostDirOf(name), `${world.tok}-sl-${name}`);
      queue({ name: `write_file ${name}/new`, targets: [newFile], verdict: mustRefuse }, () => tool('write_file', { path: `links/${name}/${world.tok}-sl-${name}`, content: `${world.tok}\n` }));
      queue({ name: `list_files ${name}`, verdict: mustRefuse }, () => tool('list_files', { path: `links/${name}` }));
    }
    for (const [req, host] of [
      [`deep/inner/up/${world.tok}-parent`, path.join(worktrees, `${world.tok}-parent`)],
      [`deep/up1/${world.tok}-parent1`, path.join(worktrees, `${world.tok}-parent1`)],
      [`deep/inner/up/${path.basename(otherLease)}/other-canary.txt`, otherCanary],
      [`deep/up1/${path.basename(otherLease)}/other-canary.txt`, otherCanary],
    ]) {
      queue({ name: `write_file parent link ${req}`, targets: [host], verdict: mustRefuse }, () => tool('write_file', { path: req, content: `${world.tok}\n` }));
      queue({ name: `read_file parent link ${req}`, verdict: mustRefuse }, () => tool('read_file', { path: req }));
    }
    queue({ name: 'search through every link' }, () => tool('search', { pattern: 'CANARY|root:x|gitdir' }));
    queue({ name: 'list_files everything' }, () => tool('list_files', {}));
    await flush(F);

    // Commands follow links freely: only what the sandbox shows can be reached.
    const readOps: Op[] = [
      ...Object.keys(fileLinks).map((name) => ({ id: `cat ${name}`, op: 'read', p: `links/${name}` })),
      ...Object.keys(dirLinks).map((name) => ({ id: `cat ${name}/${inside[name]}`, op: 'read', p: `links/${name}/${inside[name]}` })),
    ];
    await ledger.run(F, readOps.map((o) => ({ name: o.id })), () => ops(readOps));
    const writeOps = [
      ...Object.entries(fileLinks).filter(([n]) => !['l-passwd', 'l-environ', 'l-leasegit', 'l-gitconfig', 'l-hook'].includes(n)).map(([name, target]) => ({
        id: `write through ${name}`, op: 'append', p: `links/${name}`, data: `${world.tok}\n`, targets: [path.resolve(path.join(lease, 'links'), target)],
      })),
      ...Object.keys(dirLinks).map((name) => ({
        id: `write into ${name}`, op: 'write', p: `links/${name}/${world.tok}-slc-${name}`, data: `${world.tok}\n`, targets: [path.join(hostDirOf(name), `${world.tok}-slc-${name}`)],
      })),
    ];
    await opsAttempts(F, writeOps);
    expectNone(F);
  });

  it('a symlink swapped in a tight loop while the agent writes and reads', async () => {
    const F = 'race';
    const p = world.paths;
    // file links: swapped between a lease file and an outside file; folder links: between a lease folder and an outside folder.
    const fileRaces: Record<string, string> = { rf1: p.secret, rf2: p.gitConfig, rf3: otherCanary, rf4: path.join(lease, '.git'), rf5: p.homeKey };
    const dirRaces: Record<string, string> = { rd1: world.repo, rd2: path.join(p.gitDir, 'hooks'), rd3: world.fakeHome, rd4: worktrees, rd5: otherLease, rd6: world.hostTmpDir };
    const inDir: Record<string, string> = { rd1: 'secret-outside.txt', rd2: 'pre-commit', rd3: '.npmrc', rd4: `${path.basename(otherLease)}/other-canary.txt`, rd5: 'other-canary.txt', rd6: 'canary.txt' };
    const swapper = `
      const fs = require('fs');
      const files = ${JSON.stringify(fileRaces)}, dirs = ${JSON.stringify(dirRaces)};
      fs.mkdirSync('race/real', { recursive: true });
      for (const k of Object.keys(files)) fs.writeFileSync('race/real/' + k, 'inside\\n');
      for (const k of Object.keys(dirs)) fs.mkdirSync('race/real/' + k + 'd', { recursive: true });
      fs.writeFileSync('race/ready', '1');
      const end = Date.now() + 2000; let n = 0;
      while (Date.now() < end) {
        const flip = n++ % 2 === 0;
        for (const [k, out] of Object.entries(files)) { try { fs.symlinkSync(flip ? out : 'real/' + k, 'race/' + k + '.tmp'); fs.renameSync('race/' + k + '.tmp', 'race/' + k); } catch {} }
        for (const [k, out] of Object.entries(dirs)) { try { fs.symlinkSync(flip ? out : 'real/' + k + 'd', 'race/' + k + '.tmp'); fs.renameSync('race/' + k + '.tmp', 'race/' + k); } catch {} }
      }
      console.log('swaps', n);`;
    const attempts: Attempt[] = [];
    const counts: Record<string, number> = {};
    for (const [k, out] of Object.entries(fileRaces)) {
      attempts.push({ name: `write_file ${k} (↔ ${out})`, targets: [out] }, { name: `read_file ${k} (↔ ${out})` });
    }
    for (const [k, out] of Object.entries(dirRaces)) {
      attempts.push({ name: `write_file ${k}/new (↔ ${out})`, targets: [path.join(out, `${world.tok}-race-${k}`)] }, { name: `read_file ${k}/${inDir[k]} (↔ ${out})` });
    }
    let swapOutput = '';
    await ledger.run(F, attempts, async () => {
      const outputs: Record<string, string> = Object.fromEntries(attempts.map((a) => [a.name, '']));
      const racing = cmd(['node', '-e', swapper]).then((t) => (swapOutput = t));
      let done = false;
      void racing.finally(() => (done = true));
      const t0 = Date.now();
      while (!fs.existsSync(path.join(lease, 'race/ready'))) {
        if (done || Date.now() - t0 > 10_000) throw new Error(`the swap loop did not start: ${swapOutput}`);
        await sleep(10);
      }
      const hammer = async (name: string, tl: string, args: unknown) => {
        while (!done) {
          const r = await tool(tl, args);
          counts[name] = (counts[name] ?? 0) + 1;
          // Keep what matters: anything that is not the inside content or a refusal.
          if (!/^ERR/.test(r) && !r.includes('inside') && !/^OK wrote/.test(r)) outputs[name] += `${r}\n`;
          else if (r.includes('CANARY')) outputs[name] += `${r}\n`;
        }
      };
      const jobs: Promise<void>[] = [];
      for (const k of Object.keys(fileRaces)) {
        jobs.push(hammer(attempts.find((a) => a.name.startsWith(`write_file ${k} `))!.name, 'write_file', { path: `race/${k}`, content: `${world.tok}\n` }));
        jobs.push(hammer(attempts.find((a) => a.name.startsWith(`read_file ${k} `))!.name, 'read_file', { path: `race/${k}` }));
      }
      for (const k of Object.keys(dirRaces)) {
        jobs.push(hammer(attempts.find((a) => a.name.startsWith(`write_file ${k}/`))!.name, 'write_file', { path: `race/${k}/${world.tok}-race-${k}`, content: `${world.tok}\n` }));
        jobs.push(hammer(attempts.find((a) => a.name.startsWith(`read_file ${k}/`))!.name, 'read_file', { path: `race/${k}/${inDir[k]}` }));
      }
      await Promise.all([racing, ...jobs]);
      return outputs;
    }, { fileTool: true });
    assert.match(swapOutput, /swaps \d+/, swapOutput);
    const calls = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`      race: ${stdoutOf(swapOutput.slice(3)).trim()} while ${calls} racing tool calls ran`);
    assert.ok(calls > attempts.length * 5, `too few racing calls (${calls})`);
    // A read through a parent folder swapped between the guard's check and the open can reach what
    // the sandbox shows read-only (the shared .git): reported as a guard finding, not an escape.
    expectNone(F, 'escape');
  });

  it('hard links: to outside files (must fail), and inside the lease (write_file must refuse)', async () => {
    const F = 'hardlinks';
    const p = world.paths;
    const sources: Record<string, string> = {
      secret: p.secret, dotenv: p.dotenv, home: p.homeKey, gitconfig: p.gitConfig, hook: p.hook, gitHEAD: path.join(p.gitDir, 'HEAD'),
      mainRef: path.join(p.gitDir, 'refs/heads/main'), leasegit: path.join(lease, '.git'), other: otherCanary, hosttmp: p.hostTmpCanary,
      passwd: '/etc/passwd', node: process.execPath, bundle: world.toolServer, depIndex: path.join(lease, 'node_modules/dep/index.js'),
    };
    await ops([{ id: 'mkdir', op: 'mkdir', p: 'hl' }]);
    const linked = new Set(['depIndex']); // inside the lease's own copy-on-write view: allowed to fail or not, never reaches the user's
    await opsAttempts(F, Object.entries(sources).map(([k, src]) => ({
      id: `link ${k}`,
      op: 'linkWrite',
      target: src,
      p: `hl/${k}`,
      data: `${world.tok}\n`,
      targets: k === 'depIndex' ? [path.join(world.repo, 'node_modules/dep/index.js')] : [src],
      verdict: (out: string) => (out.startsWith('LINKED') && !linked.has(k) ? { kind: 'escape', detail: `hard link to ${src} created from inside: ${out.slice(0, 120)}` } : null),
    })));
    // Inside the lease: two names for one file, then write_file to either.
    await ops([{ id: 'mk', op: 'sh', cmd: 'mkdir -p hl2 && echo original > hl2/a.txt && ln hl2/a.txt hl2/b.txt && ln -s ../links/l-secret hl2/s && ln hl2/s hl2/hs || true' }]);
    const aBefore = fs.readFileSync(path.join(lease, 'hl2/a.txt'), 'utf8');
    for (const n of ['hl2/b.txt', 'hl2/a.txt']) {
      queue({ name: `write_file hard-linked ${n}`, verdict: mustRefuse }, () => tool('write_file', { path: n, content: `${world.tok}\n` }));
    }
    await flush(F);
    if (fs.readFileSync(path.join(lease, 'hl2/a.txt'), 'utf8') !== aBefore) ledger.add(F, 'write_file hard-linked', 'guard', 'hl2/a.txt changed through its second name');
    for (const n of ['hl2/hs', 'hl2/s']) {
      queue({ name: `read_file hard link to a symlink ${n}`, verdict: mustRefuse }, () => tool('read_file', { path: n }));
      queue({ name: `write_file hard link to a symlink ${n}`, targets: [p.secret], verdict: mustRefuse }, () => tool('write_file', { path: n, content: `${world.tok}\n` }));
    }
    await flush(F);
    expectNone(F);
  });

  it('commands writing outside the lease: every method × every place', async () => {
    const F = 'write outside';
    const p = world.paths;
    const dirs = [
      world.repo, path.join(world.repo, 'src'), world.fakeHome, path.dirname(p.homeKey), '/etc', '/usr', '/usr/local/bin', '/', world.realHome, '/home',
      worktrees, world.runDir, path.join(world.runDir, 'deps'), otherLease, os.tmpdir(), world.hostTmpDir, '/dev/shm', '/run', '/var/tmp', bundleDir,
      p.gitDir, path.join(p.gitDir, 'hooks'), path.join(p.gitDir, 'refs/heads'),
    ];
    const files = [p.secret, p.dotenv, p.homeKey, p.homeNpmrc, otherCanary, p.hostTmpCanary, p.gitConfig, p.hook, world.toolServer];
    const nodeMethods = ['write', 'append', 'mkdir', 'rename', 'copy', 'viaLink'];
    const shMethods: Record<string, string> = {
      redirect: 'echo pwned > "$1"',
      cp: 'echo pwned > cp-src && cp cp-src "$1"',
      touch: 'touch "$1"',
      tee: 'echo pwned | tee "$1"',
      dd: 'echo pwned | dd of="$1" 2>&1',
    };
    await pool([...nodeMethods, ...Object.keys(shMethods)], 3, async (m) => {
      const list: (Op & { targets: string[] })[] = [];
      const places = [...dirs.map((d) => path.join(d, `${world.tok}-${m}`)), ...(m === 'mkdir' ? [] : files)];
      for (const [i, t] of places.entries()) {
        const id = `${m} ${t}`;
        const base = { id, targets: [t], p: t, data: `${world.tok}\n`, src: `w-${m}-${i}` };
        list.push(shMethods[m] ? { ...base, op: 'sh', cmd: shMethods[m], args: [t] } : { ...base, op: m });
      }
      // Paths given relative to the lease as well, for the first method of each kind.
      if (m === 'write' || m === 'redirect') {
        for (const [i, d] of dirs.entries()) {
          const t = path.join(d, `${world.tok}-${m}-rel`);
          const r = path.relative(lease, t);
          list.push({ id: `${m} relative ${r}`, targets: [t], p: r, data: 'x', src: `wr-${i}`, ...(shMethods[m] ? { op: 'sh', cmd: shMethods[m], args: [r] } : { op: m }) });
        }
      }
      await opsAttempts(F, list);
    });
    expectNone(F);
  });

  it('commands reading canaries directly', async () => {
    const F = 'read outside';
    const p = world.paths;
    const list: Op[] = [
      ...[p.secret, p.dotenv, p.homeKey, p.homeNpmrc, otherCanary, p.hostTmpCanary].flatMap((t, i) => [
        { id: `read ${t}`, op: 'read', p: t },
        { id: `read relative ${t}`, op: 'read', p: rel(t) },
        { id: `read /proc/self/root ${t}`, op: 'read', p: `/proc/self/root${t}` },
        { id: `read /proc/1/root ${t}`, op: 'read', p: `/proc/1/root${t}` },
        { id: `read /proc/self/cwd ${t} ${i}`, op: 'read', p: `/proc/self/cwd/${rel(t)}` },
      ]),
      { id: 'readdir checkout', op: 'readdir', p: world.repo },
      { id: 'readdir home', op: 'readdir', p: world.fakeHome },
      { id: 'readdir other lease', op: 'readdir', p: otherLease },
      { id: 'find canaries', op: 'sh', cmd: 'find / \\( -path /proc -o -path /usr \\) -prune -o \\( -name secret-outside.txt -o -name .env -o -name id_ed25519 -o -name other-canary.txt -o -name canary.txt \\) -print 2>/dev/null | xargs -r cat 2>/dev/null; true' },
      { id: 'grep canaries', op: 'sh', cmd: 'grep -rs CANARY /tmp /home /run /etc 2>/dev/null; true' },
      { id: 'cat ~', op: 'sh', cmd: 'cat ~/.ssh/* ~/.npmrc 2>&1; echo HOME=$HOME; true' },
      { id: 'environment', op: 'sh', cmd: 'env; cat /proc/self/environ /proc/1/environ | tr "\\0" "\\n"; true' },
    ];
    await ledger.run(F, list.map((o) => ({ name: o.id })), () => ops(list));
    expectNone(F);
  });

  it('.git writes from commands: the shared repository, its hooks and the lease\'s .git file', async () => {
    const F = '.git from commands';
    const g = world.paths.gitDir;
    const wt = path.join(g, 'worktrees', path.basename(lease));
    const list: (Op & { targets: string[] })[] = [
      { id: 'new hook post-checkout', op: 'write', p: path.join(g, 'hooks/post-checkout'), data: '#!/bin/sh\ntouch /tmp/pwned\n', targets: [path.join(g, 'hooks/post-checkout')] },
      { id: 'overwrite hook pre-commit', op: 'write', p: world.paths.hook, data: '#!/bin/sh\n', targets: [world.paths.hook] },
      { id: 'chmod hook', op: 'chmod', p: world.paths.hook, mode: 0o777, targets: [world.paths.hook] },
      { id: 'unlink hook', op: 'unlink', p: world.paths.hook, targets: [world.paths.hook] },
      { id: 'append config', op: 'append', p: world.paths.gitConfig, data: '[core]\n\thooksPath = /tmp\n', targets: [world.paths.gitConfig] },
      { id: 'HEAD', op: 'write', p: path.join(g, 'HEAD'), data: 'ref: refs/heads/evil\n', targets: [path.join(g, 'HEAD')] },
      { id: 'refs/heads/main', op: 'write', p: path.join(g, 'refs/heads/main'), data: `${world.repoBefore.head}\n`, targets: [path.join(g, 'refs/heads/main')] },
      { id: 'packed-refs', op: 'write', p: path.join(g, 'packed-refs'), data: 'x\n', targets: [path.join(g, 'packed-refs')] },
      { id: 'info/attributes', op: 'write', p: path.join(g, 'info/attributes'), data: '* filter=evil\n', targets: [path.join(g, 'info/attributes')] },
      { id: 'object', op: 'write', p: path.join(g, 'objects', world.tok), data: 'x', targets: [path.join(g, 'objects', world.tok)] },
      { id: 'lease HEAD in common dir', op: 'write', p: path.join(wt, 'HEAD'), data: 'ref: refs/heads/main\n', targets: [path.join(wt, 'HEAD')] },
      { id: 'lease config.worktree', op: 'write', p: path.join(wt, 'config.worktree'), data: '[core]\n\thooksPath = /tmp\n', targets: [path.join(wt, 'config.worktree')] },
      { id: 'lease gitdir pointer', op: 'write', p: path.join(wt, 'gitdir'), data: '/tmp/x\n', targets: [path.join(wt, 'gitdir')] },
      { id: "lease's .git file", op: 'write', p: '.git', data: 'gitdir: /tmp/evil\n', targets: [path.join(lease, '.git')] },
      { id: "lease's .git unlink+write", op: 'unlinkWrite', p: '.git', data: 'gitdir: /tmp/evil\n', targets: [path.join(lease, '.git')] },
      { id: "lease's .git rename+write", op: 'renameAway', p: '.git', data: 'gitdir: /tmp/evil\n', targets: [path.join(lease, '.git'), path.join(lease, '.git.away')] },
      { id: "lease's .git absolute", op: 'append', p: path.join(lease, '.git'), data: '\n', targets: [path.join(lease, '.git')] },
      { id: '../.git', op: 'write', p: '../.git', data: 'gitdir: /tmp\n', targets: [path.join(worktrees, '.git')] },
      { id: '../../.git', op: 'write', p: '../../.git', data: 'gitdir: /tmp\n', targets: [path.join(world.runDir, '.git')] },
      { id: 'checkout .git via /proc', op: 'write', p: `/proc/self/root${g}/hooks/pre-push`, data: '#!/bin/sh\n', targets: [path.join(g, 'hooks/pre-push')] },
    ];
    await opsAttempts(F, list);

    // git itself, in the lease (the shared refs and config) and with -C on the user's checkout.
    const head = world.repoBefore.head!;
    const gitAttempts: [string, string[]][] = [
      ['config core.hooksPath', ['git', 'config', 'core.hooksPath', '/tmp']],
      ['config --worktree', ['git', 'config', '--worktree', 'core.hooksPath', '/tmp']],
      ['config --global', ['git', 'config', '--global', 'core.hooksPath', '/tmp']],
      ['commit in the lease', ['git', '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '--allow-empty', '-m', 'evil']],
      ['update-ref main from the lease', ['git', 'update-ref', 'refs/heads/main', `${head}~1`]],
      ['branch', ['git', 'branch', world.tok]],
      ['tag', ['git', 'tag', world.tok]],
      ['checkout -b', ['git', 'checkout', '-q', '-b', world.tok]],
      ['worktree add', ['git', 'worktree', 'add', `../${world.tok}`]],
      ['gc', ['git', 'gc', '--quiet']],
      ['notes', ['git', '-c', 'user.name=x', '-c', 'user.email=x@x', 'notes', 'add', '-m', 'evil']],
      ['remote add', ['git', 'remote', 'add', world.tok, '/tmp']],
      ['push to the checkout', ['git', 'push', world.repo, `HEAD:refs/heads/${world.tok}`]],
      ['-C update-ref main', ['git', '-C', world.repo, 'update-ref', 'refs/heads/main', `${head}~1`]],
      ['-C checkout HEAD~1', ['git', '-C', world.repo, 'checkout', '-q', `${head}~1`]],
      ['-C symbolic-ref HEAD', ['git', '-C', world.repo, 'symbolic-ref', 'HEAD', `refs/heads/${world.tok}`]],
      ['-C config core.hooksPath', ['git', '-C', world.repo, 'config', 'core.hooksPath', '/tmp']],
      ['-C reset --soft', ['git', '-C', world.repo, 'reset', '--soft', `${head}~1`]],
      ['-C branch', ['git', '-C', world.repo, 'branch', world.tok]],
      ['-C commit', ['git', '-C', world.repo, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '--allow-empty', '-m', 'evil']],
      ['-C stash', ['git', '-C', world.repo, 'stash', '--include-untracked']],
      ['-C rm --cached', ['git', '-C', world.repo, 'rm', '-q', '--cached', 'a.txt']],
      ['--git-dir update-ref', ['git', `--git-dir=${world.paths.gitDir}`, 'update-ref', 'refs/heads/main', `${head}~1`]],
      ['GIT_DIR update-ref', ['env', `GIT_DIR=${world.paths.gitDir}`, 'git', 'update-ref', 'refs/heads/main', `${head}~1`]],
      ['--work-tree add', ['git', `--git-dir=${world.paths.gitDir}`, `--work-tree=.`, 'add', '-A']],
    ];
    // Each is judged by the whole shared .git and the checkout (watched); HEAD/index/status once more at the end.
    for (const [name, argv] of gitAttempts) await ledger.run(F, [{ name: `git ${name}` }], () => cmd(argv));
    const snap = await snapshotRepo(world.repo);
    if (JSON.stringify(snap) !== JSON.stringify(world.repoBefore)) {
      ledger.add(F, 'git', 'escape', `the user's checkout changed: ${JSON.stringify(world.repoBefore)} → ${JSON.stringify(snap)}`);
    }
    for (const f of [path.join(world.fakeHome, '.gitconfig'), path.join(world.realHome, '.gitconfig')]) {
      const st = hostState(f);
      if (st.startsWith('file') && fs.readFileSync(f, 'utf8').includes('hooksPath = /tmp')) ledger.add(F, 'git config --global', 'escape', `${f} got the agent's setting`);
    }
    expectNone(F);
  });

  it('npm scripts, npm exec and npx writing outside', async () => {
    const F = 'npm';
    const p = world.paths;
    const places = (tag: string) => [
      path.join(world.repo, `${world.tok}-${tag}`), path.join(world.fakeHome, `${world.tok}-${tag}`), path.join(p.gitDir, 'hooks', `${world.tok}-${tag}`),
      path.join('/etc', `${world.tok}-${tag}`), path.join(os.tmpdir(), `${world.tok}-${tag}`), path.join(worktrees, `${world.tok}-${tag}`), path.join(world.realHome, `${world.tok}-${tag}`),
    ];
    const esc = `const fs = require('fs'); const tag = process.argv[2]; const out = {};
      for (const t of ${JSON.stringify(places('TAG'))}.map((x) => x.replace('TAG', tag)).concat(${JSON.stringify([p.secret, p.homeNpmrc])})) {
        try { fs.appendFileSync(t, '${world.tok}\\n'); out[t] = 'WROTE'; } catch (e) { out[t] = e.code; }
      }
      for (const t of ${JSON.stringify([p.secret, p.homeNpmrc, p.dotenv])}) { try { out['read ' + t] = fs.readFileSync(t, 'utf8'); } catch (e) { out['read ' + t] = e.code; } }
      console.log(JSON.stringify(out));`;
    const pkg = {
      name: 'victim',
      version: '1.0.0',
      private: true,
      scripts: { test: 'node esc.js', escape: 'node esc.js', preinstall: 'node esc.js preinstall', postinstall: 'node esc.js postinstall', shell: `sh -c 'echo x > ${world.repo}/${world.tok}-npmsh; echo x > /etc/${world.tok}-npmsh; cat ${p.secret}'` },
    };
    await call('write_file', { path: 'esc.js', content: esc });
    await call('write_file', { path: 'package.json', content: JSON.stringify(pkg, null, 2) });
    await call('write_file', { path: '.npmrc', content: 'update-notifier=false\nfund=false\naudit=false\n' });
    // A package of its own for `npm install`, so its scripts run without touching the lease's node_modules.
    const inst = { name: 'inst', version: '1.0.0', private: true, scripts: { preinstall: 'node ../esc.js preinstall', postinstall: 'node ../esc.js postinstall' } };
    await call('write_file', { path: 'inst/package.json', content: JSON.stringify(inst, null, 2) });
    const runs: [string, string[], string[]][] = [
      ['npm test', ['npm', 'test', '--', 'npmtest'], ['npmtest']],
            ['npm exec -c', ['npm', 'exec', '-c', 'node esc.js npmexec'], ['npmexec']],
      ['npx -c', ['npx', '-c', 'node esc.js npx'], ['npx']],
      ['npm install (pre/postinstall)', ['npm', '--prefix', 'inst', 'install', '--offline', '--no-audit', '--no-fund'], ['preinstall', 'postinstall']],
    ];
    await pool(runs, 3, async ([name, argv, tags]) => {
      const attempts: Attempt[] = tags.flatMap((tag) => [
        ...places(tag).map((t) => ({ name: `${name}: write ${t}`, targets: [t] })),
        { name: `${name}: append ${p.secret}`, targets: [p.secret] },
        { name: `${name}: append ${p.homeNpmrc}`, targets: [p.homeNpmrc] },
        { name: `${name}: read canaries` },
      ]);
      const out = await ledger.run(F, attempts, () => cmd(argv));
      assert.match(Object.values(out)[0], /"read /, `${name} did not run the script: ${Object.values(out)[0].slice(0, 600)}`);
    });
    await ledger.run(F, [
      { name: 'npm run shell', targets: [path.join(world.repo, `${world.tok}-npmsh`), `/etc/${world.tok}-npmsh`] },
    ], () => cmd(['npm', 'run', 'shell']));
    expectNone(F);
  });

  it('/proc: host processes, their environment, and kernel settings', async () => {
    const F = '/proc';
    const testPid = process.pid;
    const serverPid = attacker.tools.servers[0].pid;
    const runner = fs.realpathSync(process.argv[1] ?? process.execPath);
    const notHost = (out: string) => (out.includes(runner) ? { kind: 'escape' as const, detail: `a host process is visible: ${runner}` } : null);
    const list: (Op & { targets?: string[]; verdict?: Attempt['verdict'] })[] = [
      { id: 'environ of pid 1', op: 'read', p: '/proc/1/environ' },
      { id: 'own environ', op: 'read', p: '/proc/self/environ' },
      { id: `environ of the test's host pid ${testPid}`, op: 'read', p: `/proc/${testPid}/environ` },
      { id: `cmdline of the test's host pid`, op: 'read', p: `/proc/${testPid}/cmdline`, verdict: notHost },
      { id: `root of the test's host pid`, op: 'read', p: `/proc/${testPid}/root${world.paths.secret}` },
      { id: `cwd of the test's host pid`, op: 'readdir', p: `/proc/${testPid}/cwd` },
      { id: `environ of the tool server's host pid ${serverPid}`, op: 'read', p: `/proc/${serverPid}/environ` },
      { id: 'every process environ and cmdline', op: 'sh', cmd: 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; tr "\\0" "\\n" < $p/environ; done 2>/dev/null; true', verdict: notHost },
      { id: 'ps', op: 'sh', cmd: 'ps -eo pid,args', verdict: notHost },
      { id: 'sysrq-trigger', op: 'openWrite', p: '/proc/sysrq-trigger', verdict: (o) => (o === 'OPENED' ? { kind: 'escape', detail: '/proc/sysrq-trigger opened for writing' } : null) },
    ];
    // Kernel settings that are global to the host: writing one back unchanged must already fail.
    for (const s of ['kernel/core_pattern', 'kernel/modprobe', 'vm/swappiness', 'kernel/core_uses_pid', 'fs/protected_symlinks']) {
      list.push({ id: `sysctl ${s}`, op: 'sysctlSame', p: `/proc/sys/${s}`, verdict: (o) => (o === 'WROTE' ? { kind: 'escape', detail: `wrote the host-global sysctl /proc/sys/${s} (idempotent write went through)` } : null) });
    }
    await opsAttempts(F, list);
    // One real change, seen from the host and undone at once: kernel.core_uses_pid (only names core files).
    const sysctl = '/proc/sys/kernel/core_uses_pid';
    const was = fs.readFileSync(sysctl, 'utf8').trim();
    try {
      await ledger.run(F, [{
        name: 'sysctl kernel.core_uses_pid flipped',
        verdict: () => (fs.readFileSync(sysctl, 'utf8').trim() !== was ? { kind: 'escape', detail: `the host's ${sysctl} changed from ${was} (repro: run_command ["sh","-c","echo ${was === '0' ? 1 : 0} > ${sysctl}"])` } : null),
      }], () => ops([{ id: 'flip', op: 'sysctlSet', p: sysctl, data: was === '0' ? '1' : '0' }]));
    } finally {
      if (fs.readFileSync(sysctl, 'utf8').trim() !== was) fs.writeFileSync(sysctl, was);
    }
    expectNone(F);
  });

  it('network: nothing the host listens on is reachable', async () => {
    const F = 'network';
    const hits: string[] = [];
    const tcp = net.createServer((s) => {
      hits.push(`tcp from ${s.remoteAddress}`);
      s.end('HOST-SERVER\n');
    });
    await new Promise<void>((r) => tcp.listen({ port: 0, host: '::', ipv6Only: false }, r));
    const port = (tcp.address() as net.AddressInfo).port;
    const abstract = net.createServer((s) => {
      hits.push('abstract unix');
      s.end('HOST-SERVER\n');
    });
    await new Promise<void>((r) => abstract.listen(`\0${world.tok}`, r));
    const udp = dgram.createSocket('udp4');
    udp.on('message', (m) => hits.push(`udp ${m.toString()}`));
    await new Promise<void>((r) => udp.bind(0, '0.0.0.0', r));
    const udpPort = udp.address().port;
    try {
      const hostIps = Object.values(os.networkInterfaces()).flat().filter((i) => i && !i.internal).map((i) => i!.address);
      const connect = (opts: string) => `const s = require('net').connect(${opts}); s.setTimeout(1500);
        s.on('connect', () => console.log('CONNECTED')); s.on('data', (d) => { console.log('GOT', String(d)); process.exit(0); });
        s.on('error', (e) => { console.log('ERR', e.code); process.exit(0); }); s.on('timeout', () => { console.log('TIMEOUT'); process.exit(0); });`;
      const attempts: [string, string[]][] = [
        ...['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::ffff:127.0.0.1', ...hostIps].map((h): [string, string[]] => [`tcp ${h}:${port}`, ['node', '-e', connect(JSON.stringify({ host: h, port }))]]),
        ['abstract unix socket', ['node', '-e', connect(JSON.stringify({ path: `\0${world.tok}` }))]],
        ...['127.0.0.1', ...hostIps.filter((h) => net.isIPv4(h))].map((h): [string, string[]] => [`udp ${h}:${udpPort}`, ['node', '-e', `const s = require('dgram').createSocket('udp4'); s.send('${world.tok}', ${udpPort}, '${h}', (e) => { console.log(e ? 'ERR ' + e.code : 'SENT'); s.close(); });`]]),
        ['curl', ['curl', '-sS', '--max-time', '2', `http://127.0.0.1:${port}/`]],
        ['fetch', ['node', '-e', `fetch('http://127.0.0.1:${port}/').then((r) => r.text()).then(console.log, (e) => console.log('ERR', e.cause?.code))`]],
      ];
      await pool(attempts, 4, async ([name, argv]) => {
        await ledger.run(F, [{ name, verdict: (o) => (/^CONNECTED$|HOST-SERVER/m.test(stdoutOf(o)) ? { kind: 'escape', detail: `reached the host: ${stdoutOf(o).trim()}` } : null) }], () => cmd(argv));
      });
      await sleep(200);
      if (hits.length) ledger.add(F, 'host listeners', 'escape', `the host's servers were reached: ${hits.join('; ')}`);
    } finally {
      tcp.close();
      abstract.close();
      udp.close();
    }
    expectNone(F);
  });

  it('namespace and privilege tricks', async () => {
    const F = 'namespaces';
    const g = world.paths.gitDir;
    const dev = fs.statSync(world.repo).dev;
    const [major, minor] = [Math.floor(dev / 256) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00)];
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanups.push(() => bystander.kill('SIGKILL'));
    const victimRun = victim.tools.call('run_command', JSON.stringify({ command: ['sh', '-c', 'mkdir -p victim-work; for i in $(seq 15); do echo $i >> victim-work/beat; sleep 0.1; done; echo VICTIM-DONE'] }));
    const list: (Op & { targets?: string[]; verdict?: Attempt['verdict'] })[] = [
      { id: 'remount .git read-write in a user namespace', op: 'sh', cmd: `unshare -rm sh -c 'mount -o remount,rw,bind ${g}; echo x > ${g}/hooks/${world.tok}-remount'`, targets: [path.join(g, 'hooks', `${world.tok}-remount`)] },
      { id: "unmount the lease's .git", op: 'sh', cmd: `unshare -rm sh -c 'umount ${lease}/.git; echo gitdir: /tmp > ${lease}/.git'`, targets: [path.join(lease, '.git')] },
      { id: 'bind over the checkout', op: 'sh', cmd: `unshare -rm sh -c 'mkdir -p /tmp/x && mount --bind /tmp/x ${g}/hooks && echo x > ${g}/hooks/${world.tok}-bind'`, targets: [path.join(g, 'hooks', `${world.tok}-bind`)] },
      { id: 'nested bwrap binding /', op: 'sh', cmd: `bwrap --dev-bind / / -- sh -c 'echo x > ${world.repo}/${world.tok}-bwrap; cat ${world.paths.secret}'`, targets: [path.join(world.repo, `${world.tok}-bwrap`)] },
      { id: `mknod the host disk ${major}:${minor}`, op: 'sh', cmd: `mknod /tmp/disk b ${major} ${minor} && head -c 1100 /tmp/disk | tail -c 76 | od -c | head -3`, verdict: (o) => (o.startsWith('OUT') && o.length > 8 ? { kind: 'escape', detail: `read the host disk: ${o.slice(0, 120)}` } : null) },
      { id: 'chroot /proc/1/root', op: 'sh', cmd: `chroot /proc/1/root cat ${world.paths.secret}` },
      { id: 'nsenter pid 1', op: 'sh', cmd: `nsenter -t 1 -m -p cat ${world.paths.secret}` },
    ];
    await opsAttempts(F, list);
    await ledger.run(F, [{ name: 'kill -9 -1' }], () => cmd(['sh', '-c', 'kill -9 -1; echo sent']));
    await ledger.run(F, [{
      name: 'host and other agents survive kill -9 -1',
      verdict: () => (bystander.exitCode !== null || bystander.signalCode !== null ? { kind: 'escape', detail: 'a host process was killed from the sandbox' } : null),
    }], async () => (await victimRun).text);
    const victimOut = (await victimRun).text;
    if (!victimOut.includes('VICTIM-DONE')) ledger.add(F, 'kill -9 -1', 'escape', `the other agent's command was killed: ${victimOut.slice(0, 200)}`);
    const alive = await call('read_file', { path: 'a.txt' });
    assert.ok(alive.ok, `the tool server did not survive kill -9 -1 of its own command: ${alive.text}`);
    expectNone(F);
  });

  it('a detached child does not outlive its command', async () => {
    const F = 'detached';
    const m = (k: string) => `markers/${world.tok}-marker-${k}`;
    const loop = (k: string) => `while :; do echo x >> ${m(k)}; sleep 0.1; done`;
    // Each command returns only once its child has written (up to 10 s): under load a fixed sleep
    // could end the command, and the child with it, before the child ever ran.
    const waitSh = (k: string) => `i=0; while [ ! -s ${m(k)} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done`;
    const waitNode = (k: string) => `const t0 = Date.now(); const w = setInterval(() => { const fs = require('fs'); if ((fs.existsSync(${JSON.stringify(m(k))}) && fs.statSync(${JSON.stringify(m(k))}).size > 0) || Date.now() - t0 > 10000) clearInterval(w); }, 50)`;
    const variants: [string, string[]][] = [
      ['node spawn detached+unref', ['node', '-e', `require('fs').mkdirSync('markers',{recursive:true}); require('child_process').spawn('sh', ['-c', ${JSON.stringify(loop('node'))}], { detached: true, stdio: 'ignore' }).unref(); ${waitNode('node')}`]],
      ['sh background & disown', ['sh', '-c', `mkdir -p markers; (${loop('bg')}) > /dev/null 2>&1 & ${waitSh('bg')}`]],
      ['setsid -f', ['sh', '-c', `mkdir -p markers; setsid -f sh -c '${loop('setsid')}' > /dev/null 2>&1; ${waitSh('setsid')}`]],
      ['nohup', ['sh', '-c', `mkdir -p markers; nohup sh -c '${loop('nohup')}' > /dev/null 2>&1 & ${waitSh('nohup')}`]],
      ['double fork ignoring signals', ['node', '-e', `require('fs').mkdirSync('markers',{recursive:true}); require('child_process').spawn('sh', ['-c', ${JSON.stringify(`trap '' HUP TERM INT; (trap '' HUP TERM INT; ${loop('dfork')}) &`)}], { detached: true, stdio: 'ignore' }).unref(); ${waitNode('dfork')}`]],
      // The sandbox refuses new user namespaces (--disable-userns); if that ever changed, the loop must still die.
      ['own PID namespace', ['sh', '-c', `mkdir -p markers; if unshare -rpf true 2>/dev/null; then unshare -rpf sh -c '${loop('pidns')}' > /dev/null 2>&1 & ${waitSh('pidns')}; else echo refused > ${m('pidns')}-refused; fi`]],
      ['daemon in /tmp', ['sh', '-c', `mkdir -p markers; cp /bin/sh /tmp/${world.tok}-d; (/tmp/${world.tok}-d -c '${loop('tmpd')}' &) ; ${waitSh('tmpd')}`]],
    ];
    const keys = ['node', 'bg', 'setsid', 'nohup', 'dfork', 'pidns', 'tmpd'];
    // One after the other: when a command ends, the tool server ends every orphan in the agent's
    // namespace, so a concurrent variant's daemon could die before it wrote its first marker.
    for (const [name, argv] of variants) await ledger.run(F, [{ name }], () => cmd(argv));
    const size = (k: string) => fs.statSync(path.join(lease, m(k)), { throwIfNoEntry: false })?.size ?? 0;
    const started = keys.map(size);
    await sleep(150);
    const returned = keys.map(size);
    await sleep(700);
    const later = keys.map(size);
    keys.forEach((k, i) => {
      const refused = fs.existsSync(path.join(lease, `${m(k)}-refused`));
      if (started[i] === 0 && !refused) ledger.add(F, variants[i][0], 'guard', `the child never wrote its marker (the test did not exercise it)`);
      if (later[i] !== returned[i]) ledger.add(F, variants[i][0], 'escape', `its marker kept growing after the command returned (${returned[i]} → ${later[i]} bytes)`);
    });
    const left = hostProcessesMentioning(`${world.tok}-marker`);
    if (left.length) ledger.add(F, 'leftovers', 'escape', `processes still running: ${left.map((l) => `${l.pid} ${l.cmdline}`).join('; ')}`);
    expectNone(F);
  });

  it('the host is untouched and no agent process remains after dispose', async () => {
    const F = 'after';
    ledger.checkWatched(F);
    const snap = await snapshotRepo(world.repo);
    await ledger.run(F, [{ name: "user's HEAD, index and status", verdict: () => (JSON.stringify(snap) !== JSON.stringify(world.repoBefore) ? { kind: 'escape', detail: `the user's checkout changed: ${JSON.stringify(snap)}` } : null) }], async () => '');
    // Anything named with this suite's token anywhere the host keeps state.
    const roots = ['/', '/etc', '/usr', '/usr/local/bin', '/home', '/run', '/var/tmp', '/dev/shm', os.tmpdir(), world.realHome, world.fakeHome, world.repo, worktrees, world.runDir, path.join(world.paths.gitDir, 'hooks')];
    const stray = roots.flatMap((d) => safeReaddir(d).filter((n) => n.includes(world.tok)).map((n) => path.join(d, n)));
    await ledger.run(F, [{ name: 'no file named with the token outside the lease', verdict: () => (stray.length ? { kind: 'escape', detail: `found ${stray.join(', ')}` } : null) }], async () => '');

    const leasePath = attacker.lease.path;
    await attacker.dispose();
    await victim.dispose();
    const t0 = Date.now();
    let left = hostProcessesMentioning(leasePath).concat(hostProcessesMentioning(world.tok));
    while (left.length && Date.now() - t0 < 3000) {
      await sleep(100);
      left = hostProcessesMentioning(leasePath).concat(hostProcessesMentioning(world.tok));
    }
    await ledger.run(F, [{ name: 'no process of the agent after dispose', verdict: () => (left.length ? { kind: 'escape', detail: `still running: ${left.map((l) => `${l.pid} ${l.cmdline.slice(0, 120)}`).join('; ')}` } : null) }], async () => '', { watch: false });
    expectNone(F);
    assert.ok(ledger.attempts >= 200, `only ${ledger.attempts} attempts`);
  });
});

function show(f: Finding): string {
  return `[${f.kind}] ${f.family} / ${f.attempt}: ${f.detail}`;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
