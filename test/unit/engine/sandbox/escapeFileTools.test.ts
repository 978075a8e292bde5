import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EscapeLedger } from './escapeLedger';
import { useEscapeWorld } from './escapeWorld';
import type { World } from './sandboxHarness';

/**
 * The escape suite (see escapeWorld.ts), file tools: read_file, write_file, list_files and search
 * asked for paths outside the lease, disguised every way a path can be, and for .git in every case.
 */
describe('engine/sandbox escape suite: file tools', function () {
  this.timeout(120_000);

  const escWorld = useEscapeWorld();
  const { tool, queue, flush, mustRefuse, rel, tokPath, expectNone } = escWorld;
  let world: World;
  let ledger: EscapeLedger;
  let lease: string;
  let otherLease: string;
  let otherCanary: string;
  let worktrees: string;
  before(() => ({ world, ledger, lease, otherLease, otherCanary, worktrees } = escWorld));

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
});
