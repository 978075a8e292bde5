import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, commitFiles, makeRepo, makeTempDir, writeFiles, type TempRepo } from '../../../fixtures/gitRepo';
import { initialRunState, type RunState } from '../../../../extension/protocol/runState';
import { mergeRunResult } from '../../../../extension/engine/run/mergeRunResult';
import { cleanRun } from '../../../../extension/engine/run/cleanRun';
import { RunResultError } from '../../../../extension/engine/run/runResult';

const RUN = '20261205-120000-abcd';
const INTEGRATION = `loom/${RUN}/integration`;

/** A repository whose run left an integration branch with one commit on top of main, and a task branch. */
async function repoWithResult(): Promise<TempRepo> {
  const repo = await makeRepo({ 'src/a.js': 'a\n', 'README.md': 'hi\n' });
  await git(repo.dir, 'checkout', '-q', '-b', INTEGRATION);
  await commitFiles(repo.dir, { 'src/b.js': 'b\n' }, 'task t1');
  await git(repo.dir, 'branch', `loom/${RUN}/t1`);
  await git(repo.dir, 'checkout', '-q', 'main');
  return repo;
}

const finished = (repo: string, extra: Partial<Omit<RunState, 'repo'>> = {}): RunState & { repo: string } => ({ ...initialRunState(), runId: RUN, repo, status: 'succeeded', endedAt: 2, ...extra });

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  assert.ok(error instanceof RunResultError, `expected a RunResultError, got ${String(error)}`);
  return error.message;
}

const branches = async (dir: string) => (await git(dir, 'branch', '--format=%(refname:short)')).split('\n').filter(Boolean).sort();

describe("a run's result: merge it into the user's branch, and never lose it in a clean-up", () => {
  let repo: TempRepo;
  beforeEach(async () => (repo = await repoWithResult()));
  afterEach(async () => repo.cleanup());

  it('fast-forwards the checked-out branch and its files when the branch has not moved', async () => {
    const merged = await mergeRunResult(finished(repo.dir));
    assert.equal(merged.how, 'fastForward');
    assert.equal(merged.into, 'main');
    assert.equal((await git(repo.dir, 'rev-parse', 'main')).trim(), (await git(repo.dir, 'rev-parse', INTEGRATION)).trim());
    assert.equal(readFileSync(join(repo.dir, 'src/b.js'), 'utf8'), 'b\n', 'the checkout has the result');
    assert.equal((await mergeRunResult(finished(repo.dir))).how, 'alreadyMerged');
  });

  it("makes a merge commit in the user's name when the branch moved on, without conflicts", async () => {
    await commitFiles(repo.dir, { 'docs/x.md': 'x\n' }, 'my own work');
    const merged = await mergeRunResult(finished(repo.dir));
    assert.equal(merged.how, 'mergeCommit');
    const parents = (await git(repo.dir, 'log', '-1', '--format=%P|%an|%s', 'main')).trim();
    assert.match(parents, /^\w{40} \w{40}\|Loom Test\|Merge Loom run 20261205-120000-abcd/);
    assert.ok(existsSync(join(repo.dir, 'src/b.js')) && existsSync(join(repo.dir, 'docs/x.md')));
    assert.equal((await git(repo.dir, 'status', '--porcelain')).trim(), '');
  });

  it('refuses a dirty tree and changes nothing', async () => {
    const before = (await git(repo.dir, 'rev-parse', 'main')).trim();
    await writeFiles(repo.dir, { 'README.md': 'edited, not committed\n' });
    assert.match(await refusal(mergeRunResult(finished(repo.dir))), /uncommitted changes \(README\.md\): commit or stash them first, nothing was changed/);
    assert.equal((await git(repo.dir, 'rev-parse', 'main')).trim(), before);
    assert.equal(readFileSync(join(repo.dir, 'README.md'), 'utf8'), 'edited, not committed\n');
  });

  it('refuses a conflict, leaving the checkout as it was, and says how to merge by hand', async () => {
    await commitFiles(repo.dir, { 'src/b.js': 'mine\n' }, 'my b');
    const before = (await git(repo.dir, 'rev-parse', 'main')).trim();
    assert.match(await refusal(mergeRunResult(finished(repo.dir))), new RegExp(`conflict in src/b\\.js: nothing was changed\\. Merge by hand with: git merge ${INTEGRATION}`));
    assert.equal((await git(repo.dir, 'rev-parse', 'main')).trim(), before);
    assert.equal((await git(repo.dir, 'status', '--porcelain')).trim(), '');
  });

  it('refuses a partial result unless asked, a detached HEAD, and a run still going', async () => {
    assert.match(await refusal(mergeRunResult(finished(repo.dir, { status: 'failed' }))), /failed: .* holds only 0 of 0 tasks\. Merge it anyway with --partial/);
    assert.equal((await mergeRunResult(finished(repo.dir, { status: 'failed' }), { partial: true })).how, 'fastForward');
    await git(repo.dir, 'checkout', '-q', '--detach', 'HEAD');
    assert.match(await refusal(mergeRunResult(finished(repo.dir))), /detached HEAD/);
    assert.match(await refusal(mergeRunResult(finished(repo.dir, { endedAt: null }))), /has not finished/);
  });

  it('clean-up keeps an integration branch with unmerged commits, deletes it once merged, or when told to discard it', async () => {
    const home = await makeTempDir('loom-home-');
    try {
      const kept = await cleanRun({ home: home.dir, runId: RUN, repo: repo.dir, deleteBranches: true, discardResult: false });
      assert.deepEqual(kept.deletedBranches, [`loom/${RUN}/t1`]);
      assert.equal(kept.keptResult?.branch, INTEGRATION);
      assert.equal(kept.keptResult?.unmergedCommits, 1);
      assert.deepEqual(await branches(repo.dir), [INTEGRATION, 'main']);

      const discarded = await cleanRun({ home: home.dir, runId: RUN, repo: repo.dir, deleteBranches: true, discardResult: true });
      assert.equal(discarded.discardedResult?.branch, INTEGRATION);
      assert.match(discarded.discardedResult?.head ?? '', /^\w{40}$/, 'the head to recover it from');
      assert.deepEqual(await branches(repo.dir), ['main']);
    } finally {
      await home.cleanup();
    }
  });

  it('clean-up deletes the integration branch without asking once its result is merged', async () => {
    const home = await makeTempDir('loom-home-');
    try {
      await mergeRunResult(finished(repo.dir));
      const cleaned = await cleanRun({ home: home.dir, runId: RUN, repo: repo.dir, deleteBranches: true, discardResult: false });
      assert.equal(cleaned.keptResult, null);
      assert.equal(cleaned.discardedResult, null);
      assert.deepEqual(await branches(repo.dir), ['main']);
      const worktreesOnly = await cleanRun({ home: home.dir, runId: RUN, repo: repo.dir, deleteBranches: false, discardResult: false });
      assert.equal(worktreesOnly.keptResult, null, 'without --delete-branches nothing is deleted, so nothing is kept back');
    } finally {
      await home.cleanup();
    }
  });
});
