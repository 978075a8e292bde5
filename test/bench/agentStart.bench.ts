// Agent start on a large repository (issue 11, item 3): a task's lease against a plain full
// `git worktree add` of the same commit, measured in the same process.
//
//   npm run build && LOOM_BENCH_BABEL=<a babel/babel git dir, bare or not> npx tsx test/bench/agentStart.bench.ts
//
// Without LOOM_BENCH_BABEL (or when it is not a git repository) the bench generates a repository of
// about 27k files in about 2k folders (babel's shape) and says so. LOOM_BENCH_COMMIT pins the commit
// (default: babel's 1da3cfa1a2 when it exists, else HEAD); LOOM_BENCH_ROUNDS (default 3).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { LeaseManager } from '../../extension/engine/workspace/leases';
import { sparseDirs } from '../../extension/engine/workspace/sparseScope';
import { reportFigures, type BenchFigure } from './benchTargets';
import { agentReadyThroughRun, canRun } from './agentStartRun';

const BABEL_COMMIT = '1da3cfa1a25503c7ecba7304f8738933e6d16dca';
const ROUNDS = Number(process.env.LOOM_BENCH_ROUNDS ?? 3);

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
}

/** A repository with babel's shape: 2,000 folders under packages/*, 27,000 files, written by fast-import (no checkout). */
async function generatedRepo(dir: string): Promise<{ repo: string; commit: string; scope: string[] }> {
  const repo = path.join(dir, 'generated');
  git(dir, 'init', '-q', '-b', 'main', repo);
  const lines: string[] = ['commit refs/heads/main', 'committer Bench <bench@loom.invalid> 1700000000 +0000', 'data 9', 'generated'];
  const file = (p: string, content: string) => lines.push(`M 100644 inline ${p}`, `data ${Buffer.byteLength(content)}`, content);
  file('package.json', '{"name":"generated","private":true}\n');
  file('babel.config.js', 'module.exports = {};\n');
  for (let pkg = 0; pkg < 100; pkg++) {
    for (let sub = 0; sub < 20; sub++) {
      const folder = `packages/pkg-${pkg}/${sub < 10 ? 'src' : 'test'}/part-${sub}`;
      for (let f = 0; f < 13; f++) file(`${folder}/file-${f}.js`, `// ${folder} ${f}\n${'export const value = 1;\n'.repeat(40 + ((pkg * 7 + f) % 200))}`);
    }
    file(`packages/pkg-${pkg}/package.json`, `{"name":"pkg-${pkg}"}\n`);
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: lines.join('\n') + '\n', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
  return { repo, commit: git(repo, 'rev-parse', 'refs/heads/main'), scope: ['packages/pkg-7/**'] };
}

/** A babel/babel git dir as a repository LeaseManager can use (a bare mirror gets a no-checkout shared clone). */
async function babelRepo(source: string, dir: string): Promise<{ repo: string; commit: string; scope: string[] } | null> {
  const bare = spawnSync('git', ['rev-parse', '--is-bare-repository'], { cwd: source, encoding: 'utf8' });
  if (bare.status !== 0) return null;
  let repo = source;
  if (bare.stdout.trim() === 'true') {
    repo = path.join(dir, 'babel');
    git(dir, 'clone', '-q', '--shared', '--no-checkout', source, repo);
  }
  const pinned = process.env.LOOM_BENCH_COMMIT ?? BABEL_COMMIT;
  const has = spawnSync('git', ['cat-file', '-e', `${pinned}^{commit}`], { cwd: repo }).status === 0;
  return { repo, commit: has ? git(repo, 'rev-parse', pinned) : git(repo, 'rev-parse', 'HEAD'), scope: ['packages/babel-core/**'] };
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'loom-agent-start-')));
  try {
    const source = process.env.LOOM_BENCH_BABEL;
    const babel = source ? await babelRepo(source, dir) : null;
    const target = babel ?? (await generatedRepo(dir));
    const files = Number(git(target.repo, 'ls-tree', '-r', '--name-only', target.commit).split('\n').length);
    console.log(`repository: ${babel ? `babel/babel from ${source}` : 'generated (set LOOM_BENCH_BABEL to a babel/babel git dir for the real one)'}, commit ${target.commit.slice(0, 10)}, ${files} files; task scope ${target.scope.join(', ')}`);

    const root = path.join(dir, 'worktrees');
    const full: number[] = [];
    const fullRemove: number[] = [];
    const sparse: number[] = [];
    const sparseRemove: number[] = [];
    const pooledSparse: number[] = [];
    const pooledFull: number[] = [];
    const release: number[] = [];
    let sparseFiles = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // The baseline: a plain full checkout of the same commit, then its removal.
      const plain = path.join(dir, `plain-${round}`);
      full.push((await timed(async () => git(target.repo, 'worktree', 'add', '-q', '--detach', plain, target.commit))).ms);
      fullRemove.push((await timed(async () => git(target.repo, 'worktree', 'remove', '--force', plain))).ms);

      // Loom's lease for a task scoped to one package: cone from the scope, no-checkout add, sparse checkout.
      const leases = new LeaseManager({ repoDir: target.repo, root });
      const { ms, value: lease } = await timed(async () =>
        leases.acquire({ runId: 'bench', taskId: `t${round}`, startCommit: target.commit, sparseDirs: await sparseDirs(target.repo, target.commit, target.scope) }),
      );
      sparse.push(ms);
      sparseFiles = Number(git(lease.path, 'ls-files', '-t').split('\n').filter((l) => l.startsWith('H ')).length);
      sparseRemove.push((await timed(() => lease.remove({ deleteBranch: true }))).ms);

      // Pooled: the worktree a finished task released, reset to the next task's start commit.
      const pool = new LeaseManager({ repoDir: target.repo, root: path.join(dir, `pool-${round}`), allocation: 'pooled' });
      const dirs = await sparseDirs(target.repo, target.commit, target.scope);
      const first = await pool.acquire({ runId: 'bench', taskId: `p${round}a`, startCommit: target.commit, sparseDirs: dirs });
      release.push((await timed(() => pool.release(first))).ms);
      pooledSparse.push((await timed(() => pool.acquire({ runId: 'bench', taskId: `p${round}b`, startCommit: target.commit, sparseDirs: dirs }))).ms);
      if (round === 0) {
        // A full lease in the pool (kept warm) reset for a task that needs the whole commit.
        const full = await pool.acquire({ runId: 'bench', taskId: `p${round}c`, startCommit: target.commit });
        await pool.release(full);
        pooledFull.push((await timed(() => pool.acquire({ runId: 'bench', taskId: `p${round}d`, startCommit: target.commit }))).ms);
      }
      await pool.dispose();
    }
    const baseline = { value: median(full), name: 'git worktree add, full checkout' };
    const figures: BenchFigure[] = [
      { name: `sparse lease ready (${sparseFiles} of ${files} files)`, value: median(sparse), unit: 'ms', baseline, target: { on: 'ratio', atMost: 0.1 } },
      { name: 'pooled lease reset, sparse', value: median(pooledSparse), unit: 'ms', baseline, target: { on: 'ratio', atMost: 0.1 } },
      { name: 'pooled lease reset, full checkout kept warm', value: median(pooledFull), unit: 'ms', baseline },
      { name: 'pooled lease release (detach, on the task\'s path)', value: median(release), unit: 'ms', baseline: { value: median(fullRemove), name: 'git worktree remove, full checkout' } },
      { name: 'sparse lease removal, in the background', value: median(sparseRemove), unit: 'ms', baseline: { value: median(fullRemove), name: 'git worktree remove, full checkout' } },
    ];
    // Through a real run (needs dist/): the same task with sparse leases, then with full ones.
    if (canRun()) {
      const sparseRun = await agentReadyThroughRun(target.repo, target.scope, true, dir);
      const fullRun = await agentReadyThroughRun(target.repo, target.scope, false, dir);
      console.log(`runs: sparse ${sparseRun.outcome}, full ${fullRun.outcome}`);
      figures.unshift(
        { name: 'agent ready (task ready → first model call), sparse lease', value: sparseRun.readyMs, unit: 'ms', baseline, target: { on: 'ratio', atMost: 0.1 } },
        { name: 'agent ready, full-checkout lease (as before)', value: fullRun.readyMs, unit: 'ms', baseline },
      );
    } else {
      console.log('agent ready through a real run: skipped, dist/ has no worker or tool server (npm run build first)');
    }
    reportFigures(`Agent start on a large repository (median of ${ROUNDS}; full checkouts: ${full.map((m) => Math.round(m)).join(', ')} ms)`, figures);
  } finally {
    spawnSync('rm', ['-rf', dir]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
