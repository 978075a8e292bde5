import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { restorePristineTests } from '../../../../extension/engine/verify/pristineTests';
import { addScratchWorktree } from '../../../../extension/engine/verify/scratchWorktree';
import { ADD_TEST, MATH_FIXED, SUB_TEST, makeFixtureRepo, type FixtureRepo } from './fixtureRepo';

describe('engine/verify/pristineTests', () => {
  let fx: FixtureRepo;
  beforeEach(() => {
    fx = makeFixtureRepo();
  });
  afterEach(() => fx.cleanup());

  it('restores edited, deleted and renamed-away tests to the start commit and keeps new ones', async () => {
    const head = fx.branch('loom/r1/hack', {
      'src/math.js': MATH_FIXED,
      'test/add.test.js': ADD_TEST.replace('5', '-1'),
      'test/sub.test.js': null,
      'test/renamed.test.js': SUB_TEST,
      '.mocharc.json': '{}\n',
    });
    const wt = await addScratchWorktree(fx.repo, fx.scratchDir, 'head', head);
    try {
      const r = await restorePristineTests({ dir: wt.dir, startCommit: fx.start, testFiles: ['test/add.test.js', 'test/planned.test.js', 'test/**/*.js'] });
      assert.deepEqual(r.restored.sort(), ['.mocharc.json', 'test/add.test.js', 'test/sub.test.js']);
      assert.deepEqual(r.missingAtStart, ['test/planned.test.js']);
      assert.match(r.summary, /^restored \.mocharc\.json, test\/(add|sub)\.test\.js, test\/(add|sub)\.test\.js from the start commit$/);
      assert.equal(fs.readFileSync(path.join(wt.dir, 'test/add.test.js'), 'utf8'), ADD_TEST);
      assert.equal(fs.readFileSync(path.join(wt.dir, 'test/sub.test.js'), 'utf8'), SUB_TEST);
      assert.equal(fs.existsSync(path.join(wt.dir, 'test/renamed.test.js')), true);
      assert.equal(fs.readFileSync(path.join(wt.dir, 'src/math.js'), 'utf8'), MATH_FIXED, 'source stays as the task left it');
    } finally {
      await wt.remove();
    }
    assert.equal(fx.worktreeCount(), 1);
  });
});
