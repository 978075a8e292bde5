import assert from 'node:assert/strict';
import type { AcceptanceCheck } from '../../../../extension/protocol/plan';
import { integrate } from '../../../../extension/engine/merge/integrate';
import { findSemanticConflicts, type AtHeadRuns, type RunCheck, type SemanticTask } from '../../../../extension/engine/run/semanticCheck';
import { checkPassToPass } from '../../../../extension/engine/verify/failToPass';
import { commitOnBranch, git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';

const passToPass = (...command: string[]): AcceptanceCheck => ({ kind: 'passToPass', command });

/**
 * The integration's checks at its head are shared by tree (IntegrationPreview runs them while the last
 * verdict is out; the integration phase finds them): a head with the same tree runs nothing again.
 */
describe('engine/run/semanticCheck: first runs at the head shared by tree', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let scratch: { dir: string; cleanup: () => Promise<void> };
  let base: string;
  let merged: SemanticTask[];
  /** The two tasks merged in memory (the preview's head), and a commit of the same tree (the integration's head). */
  let previewHead: string;
  let sameTree: string;

  before(async () => {
    repo = await makeRepo({ 'README.md': 'x\n' });
    base = repo.head!;
    scratch = await makeTempDir('loom-semantic-shared-');
    const task = async (id: string, file: string) => ({
      taskId: id,
      headCommit: await commitOnBranch(repo.dir, `loom/t/${id}`, { [file]: `${id}\n` }, id, base),
      acceptance: [passToPass('node', '-e', `require('fs').accessSync('${file}')`)],
    });
    merged = [await task('a', 'a.txt'), await task('b', 'b.txt')];
    const r = await integrate(repo.dir, { runId: 'shared', baseCommit: base, ordered: merged.map((t) => ({ taskId: t.taskId, commit: t.headCommit })), moveBranch: false });
    previewHead = r.head;
    assert.equal(await git(repo.dir, 'rev-parse', '--verify', '-q', 'refs/heads/loom/shared/integration').catch(() => ''), '', 'a preview moves no branch');
    // The integration phase's own merge commit: another commit (message, time), the same tree.
    sameTree = await git(repo.dir, 'commit-tree', `${previewHead}^{tree}`, '-p', `${previewHead}^1`, '-p', `${previewHead}^2`, '-m', 'loom: merge task b (again)');
  });

  after(async () => {
    await scratch.cleanup();
    await repo.cleanup();
  });

  /** A check that counts its runs and its checkouts (prepare runs after each). */
  function counted() {
    const counts = { runs: 0, checkouts: 0 };
    const runCheck: RunCheck = (dir, command) => {
      counts.runs++;
      return checkPassToPass({ dir, command, timeoutMs: 30_000, allowlist: ['node'] });
    };
    return { counts, deps: { repo: repo.dir, scratchDir: scratch.dir, runCheck, lanes: 2, prepare: async () => void counts.checkouts++ } };
  }

  it('a preview runs each check once at its head; the same tree under another commit runs none and makes no checkout', async () => {
    const atHeads: AtHeadRuns = new Map();
    const preview = counted();
    const previewed = await findSemanticConflicts({ ...preview.deps, atHeads, headOnly: true }, { baseCommit: base, integrationHead: previewHead, merged });
    assert.deepEqual(preview.counts, { runs: 2, checkouts: 1 });
    assert.equal(previewed.checked, 2);

    const integration = counted();
    const result = await findSemanticConflicts({ ...integration.deps, atHeads }, { baseCommit: base, integrationHead: sameTree, merged });
    assert.deepEqual(integration.counts, { runs: 0, checkouts: 0 }, 'found by tree, not run again');
    assert.deepEqual([result.checked, result.failures, result.flaky, result.failsOnItsBranch], [2, [], [], []]);
  });

  it('a shared run that was cancelled (its preview stopped) is run again by whoever needs it', async () => {
    const atHeads: AtHeadRuns = new Map();
    await findSemanticConflicts({ ...counted().deps, atHeads, headOnly: true }, { baseCommit: base, integrationHead: previewHead, merged });
    for (const key of [...atHeads.keys()]) {
      const cancelled = Promise.reject(new Error('the preview stopped'));
      cancelled.catch(() => undefined);
      atHeads.set(key, cancelled);
    }
    const integration = counted();
    const result = await findSemanticConflicts({ ...integration.deps, atHeads }, { baseCommit: base, integrationHead: sameTree, merged });
    assert.equal(integration.counts.runs, 2);
    assert.deepEqual(result.failures, []);
  });

  it('another tree finds nothing shared: its checks run', async () => {
    const atHeads: AtHeadRuns = new Map();
    await findSemanticConflicts({ ...counted().deps, atHeads, headOnly: true }, { baseCommit: base, integrationHead: previewHead, merged });
    const onlyA = counted();
    const result = await findSemanticConflicts({ ...onlyA.deps, atHeads }, { baseCommit: base, integrationHead: merged[0].headCommit, merged: [merged[0]] });
    assert.equal(onlyA.counts.runs, 1, "a's check at a's own head, a tree the preview never ran");
    assert.equal(result.checked, 1);
  });
});
