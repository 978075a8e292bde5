import assert from 'node:assert/strict';
import { IntegrationError, integrate } from '../../../../extension/engine/merge/integrate';
import { snapshotRepo } from '../../../../extension/engine/workspace/gitRepo';
import { commitOnBranch, git, makeRepo, makeTempDir, writeFiles, type TempRepo } from '../../../fixtures/gitRepo';

const FILE = Array.from({ length: 30 }, (_, i) => `row ${i + 1}`).join('\n') + '\n';

describe('engine/merge/integrate', () => {
  let repo: TempRepo;
  let base: string;
  const heads: Record<string, string> = {};

  before(async () => {
    repo = await makeRepo({ 'data.txt': FILE, 'other.txt': 'other\n' });
    base = repo.head!;
    heads.top = await commitOnBranch(repo.dir, 'loom/r1/top', { 'data.txt': FILE.replace('row 2\n', 'row 2 (top)\n') }, 'top');
    heads.bottom = await commitOnBranch(repo.dir, 'loom/r1/bottom', { 'data.txt': FILE.replace('row 29\n', 'row 29 (bottom)\n') }, 'bottom', 'main');
    heads.clash = await commitOnBranch(repo.dir, 'loom/r1/clash', { 'data.txt': FILE.replace('row 29\n', 'row 29 (clash)\n') }, 'clash', 'main');
    heads.other = await commitOnBranch(repo.dir, 'loom/r1/other', { 'other.txt': 'other, edited\n' }, 'other', 'main');
  });

  after(() => repo.cleanup());

  it('merges non-overlapping edits to one file, skips the conflicting task and names the one it conflicts with', async () => {
    await writeFiles(repo.dir, { 'data.txt': 'the user is editing\n' });
    const before = await snapshotRepo(repo.dir);
    const r = await integrate(repo.dir, {
      runId: 'r1',
      baseCommit: base,
      ordered: [
        { taskId: 'top', commit: heads.top },
        { taskId: 'bottom', commit: heads.bottom },
        { taskId: 'clash', commit: heads.clash },
        { taskId: 'other', commit: heads.other },
      ],
    });
    assert.equal(r.branch, 'loom/r1/integration');
    assert.deepEqual(
      r.merged.map((m) => [m.taskId, m.how]),
      [
        ['top', 'fastForward'],
        ['bottom', 'merge'],
        ['other', 'merge'],
      ],
    );
    assert.deepEqual(r.skipped, [{ taskId: 'clash', commit: heads.clash, conflicts: [{ path: 'data.txt', kind: 'contents' }], conflictsWith: 'bottom' }]);
    assert.equal(await git(repo.dir, 'rev-parse', 'loom/r1/integration'), r.head);
    const data = await git(repo.dir, 'show', `${r.head}:data.txt`);
    assert.match(data, /row 2 \(top\)/);
    assert.match(data, /row 29 \(bottom\)/);
    assert.doesNotMatch(data, /clash/);
    assert.equal(await git(repo.dir, 'show', `${r.head}:other.txt`), 'other, edited');
    for (const t of ['top', 'bottom', 'other']) assert.equal(await git(repo.dir, 'merge-base', '--is-ancestor', heads[t], r.head).then(() => true), true);
    assert.deepEqual(await snapshotRepo(repo.dir), before);
    assert.equal(await git(repo.dir, 'rev-parse', 'main'), base);

    // Running again is a no-op for what is already in, and still skips the clash.
    const again = await integrate(repo.dir, {
      runId: 'r1',
      baseCommit: base,
      ordered: [
        { taskId: 'top', commit: heads.top },
        { taskId: 'bottom', commit: heads.bottom },
        { taskId: 'clash', commit: heads.clash },
      ],
    });
    assert.equal(again.head, r.head);
    assert.deepEqual(again.merged.map((m) => m.how), ['alreadyMerged', 'alreadyMerged']);
    assert.equal(again.skipped[0].conflictsWith, 'bottom');
  });

  it('reports null for the culprit when the conflicting change came in an earlier call', async () => {
    await integrate(repo.dir, { runId: 'r2', baseCommit: base, ordered: [{ taskId: 'bottom', commit: heads.bottom }] });
    const r = await integrate(repo.dir, { runId: 'r2', baseCommit: base, ordered: [{ taskId: 'clash', commit: heads.clash }] });
    assert.deepEqual(r.merged, []);
    assert.equal(r.skipped.length, 1);
    assert.equal(r.skipped[0].conflictsWith, null);
    // fresh rebuilds from base: now the clash merges.
    const fresh = await integrate(repo.dir, { runId: 'r2', baseCommit: base, ordered: [{ taskId: 'clash', commit: heads.clash }], fresh: true });
    assert.deepEqual(fresh.merged.map((m) => m.taskId), ['clash']);
    assert.equal(await git(repo.dir, 'rev-parse', 'loom/r2/integration'), heads.clash);
  });

  it('refuses to move an integration branch someone has checked out', async () => {
    const tmp = await makeTempDir();
    try {
      await git(repo.dir, 'branch', 'loom/r3/integration', base);
      await git(repo.dir, 'worktree', 'add', '-q', `${tmp.dir}/w`, 'loom/r3/integration');
      await assert.rejects(integrate(repo.dir, { runId: 'r3', baseCommit: base, ordered: [{ taskId: 'top', commit: heads.top }] }), IntegrationError);
      assert.equal(await git(repo.dir, 'rev-parse', 'loom/r3/integration'), base);
    } finally {
      await git(repo.dir, 'worktree', 'remove', '--force', `${tmp.dir}/w`);
      await tmp.cleanup();
    }
  });

  it('creates the branch at base when nothing is merged', async () => {
    const r = await integrate(repo.dir, { runId: 'r4', baseCommit: 'main', ordered: [] });
    assert.equal(r.head, base);
    assert.equal(await git(repo.dir, 'rev-parse', 'loom/r4/integration'), base);
  });
});
