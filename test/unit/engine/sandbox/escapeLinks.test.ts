import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Attempt, EscapeLedger, Op } from './escapeLedger';
import { useEscapeWorld } from './escapeWorld';
import { sleep, stdoutOf, type World } from './sandboxHarness';

/**
 * The escape suite (see escapeWorld.ts), links: symlinks the agent makes to files, folders and
 * parents outside its lease (file tools and commands through them), a symlink swapped in a tight
 * loop under the file tools, and hard links. The hard-link test reuses the symlinks made before it.
 */
describe('engine/sandbox escape suite: symlinks and hard links', function () {
  this.timeout(120_000);

  const escWorld = useEscapeWorld();
  const { cmd, tool, ops, opsAttempts, queue, flush, mustRefuse, expectNone } = escWorld;
  let world: World;
  let ledger: EscapeLedger;
  let lease: string;
  let otherLease: string;
  let otherCanary: string;
  let worktrees: string;
  before(() => ({ world, ledger, lease, otherLease, otherCanary, worktrees } = escWorld));

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
});
