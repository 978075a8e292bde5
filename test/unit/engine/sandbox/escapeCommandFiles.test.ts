import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { snapshotRepo } from '../../../../extension/engine/workspace/gitRepo';
import type { Attempt, EscapeLedger, Op } from './escapeLedger';
import { useEscapeWorld } from './escapeWorld';
import { hostState, pool, type Call, type World } from './sandboxHarness';

/**
 * The escape suite (see escapeWorld.ts), commands against the host's files: run_command reading
 * the canaries and writing everywhere outside the lease, into the shared .git (by hand and with git
 * itself), and through npm scripts; then the host, checked once more after the agents are disposed.
 */
describe('engine/sandbox escape suite: commands against the host\'s files', function () {
  this.timeout(120_000);

  const escWorld = useEscapeWorld();
  const { cmd, ops, opsAttempts, rel, expectNone, hostUntouchedAfterDispose } = escWorld;
  let world: World;
  let call: Call;
  let ledger: EscapeLedger;
  let lease: string;
  let otherLease: string;
  let otherCanary: string;
  let worktrees: string;
  let bundleDir: string;
  before(() => ({ world, call, ledger, lease, otherLease, otherCanary, worktrees, bundleDir } = escWorld));

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

  it('the host is untouched and no agent process remains after dispose', async () => {
    const F = 'after';
    // The checks of escapeWorld.ts, which every other file of the suite runs in its `after` hook.
    await hostUntouchedAfterDispose(F);
    expectNone(F);
    assert.ok(ledger.attempts >= 200, `only ${ledger.attempts} attempts`);
  });
});
