import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freezeTests } from '../../../../extension/engine/verify/freezeTests';
import { ADD_TEST, MATH_FIXED, makeFixtureRepo, type FixtureRepo } from './fixtureRepo';

describe('engine/verify/freezeTests', () => {
  let fx: FixtureRepo;
  let lease: string;
  beforeEach(() => {
    fx = makeFixtureRepo();
    lease = path.join(fx.root, 'lease');
    fx.git('worktree', 'add', '-q', '-b', 'loom/r1/t', lease, fx.start);
  });
  afterEach(() => fx.cleanup());

  const write = (rel: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(lease, rel)), { recursive: true });
    fs.writeFileSync(path.join(lease, rel), content);
  };
  const show = (rev: string, file: string) => fx.git('show', `${rev}:${file}`);

  it('commits only the test files the author wrote on top of the start commit, and puts the fix, configs and manifests back', async () => {
    write('test/add.test.js', `${ADD_TEST}test('adds zero', () => assert.strictEqual(add(2, 0), 2));\n`);
    write('test/fixtures/zero.json', '{"n": 0}\n');
    write('src/math.js', MATH_FIXED); // the fix: never the author's to land
    write('.mocharc.json', '{"exit": true}\n'); // configuration: never frozen as a test
    write('package.json', '{"scripts": {"test": "node -e 0"}}\n');
    // An earlier checkpoint of the author's work is squashed too.
    fx.git('-C', lease, 'add', '-A');
    fx.git('-C', lease, 'commit', '-q', '-m', 'checkpoint');
    write('test/zero.test.js', "require('node:test')('zero', () => {});\n");

    const frozen = await freezeTests(lease, fx.start, ['test/add.test.js', 'test/zero.test.js']);
    assert.ok(frozen.commit);
    assert.deepEqual(frozen.files.sort(), ['test/add.test.js', 'test/fixtures/zero.json', 'test/zero.test.js']);
    assert.deepEqual(frozen.discarded.sort(), ['.mocharc.json', 'package.json', 'src/math.js']);
    assert.deepEqual(frozen.missing, []);
    assert.equal(fx.git('rev-parse', `${frozen.commit}^`), fx.start, 'one commit on top of the start commit');
    assert.equal(fx.git('rev-parse', 'loom/r1/t'), frozen.commit, 'the branch points at the frozen tests');
    assert.equal(fx.git('diff', '--name-only', fx.start, frozen.commit).split('\n').sort().join(','), 'test/add.test.js,test/fixtures/zero.json,test/zero.test.js');
    assert.match(show(frozen.commit, 'test/add.test.js'), /adds zero/);
    assert.equal(show(frozen.commit, 'src/math.js'), show(fx.start, 'src/math.js').trimEnd());
    // The worktree is clean at the frozen commit: the implementor starts from exactly that.
    assert.equal(fx.git('-C', lease, 'status', '--porcelain'), '');
    assert.equal(fs.readFileSync(path.join(lease, '.mocharc.json'), 'utf8'), '{ "spec": "test/**/*.test.js" }\n', "the start commit's configuration is back");
    assert.ok(!fs.existsSync(path.join(lease, 'package.json')), 'a file the author added outside the tests is gone');
  });

  it('reports nothing frozen when the author wrote no test, and names the test files it was asked for but did not write', async () => {
    write('src/math.js', MATH_FIXED);
    const none = await freezeTests(lease, fx.start, ['test/new.test.js']);
    assert.equal(none.commit, null);
    assert.deepEqual(none.discarded, ['src/math.js']);
    assert.deepEqual(none.missing, ['test/new.test.js']);
    assert.equal(fx.git('rev-parse', 'loom/r1/t'), fx.start);

    write('test/other.test.js', "require('node:test')('x', () => {});\n");
    const partial = await freezeTests(lease, fx.start, ['test/new.test.js', 'test/other.test.js']);
    assert.ok(partial.commit);
    assert.deepEqual(partial.missing, ['test/new.test.js']);
  });
});
