import assert from 'node:assert/strict';
import { detectTestEdits } from '../../../../extension/engine/verify/testEdits';
import { ADD_TEST, MATH_FIXED, SUB_TEST, makeFixtureRepo, type FixtureRepo } from './fixtureRepo';

describe('engine/verify/testEdits', () => {
  let fx: FixtureRepo;
  beforeEach(() => {
    fx = makeFixtureRepo();
  });
  afterEach(() => fx.cleanup());

  it('flags edited and deleted tests and changed test config as errors, new tests as info', async () => {
    const head = fx.branch('loom/r1/hack', {
      'src/math.js': MATH_FIXED,
      'test/add.test.js': ADD_TEST.replace('add(2, 3), 5', 'add(2, 3), -1'),
      'test/sub.test.js': null,
      '.mocharc.json': '{ "spec": [] }\n',
      'test/mul.test.js': "require('node:test')('mul', () => {});\n",
      'spec/helpers.js': 'module.exports = {};\n',
    });
    const findings = await detectTestEdits(fx.repo, fx.start, head, ['spec/helpers.js']);
    const byFile = new Map(findings.map((f) => [f.file, f]));
    assert.equal(findings.length, 5);

    const add = byFile.get('test/add.test.js');
    assert.equal(add?.rule, 'tests/edited');
    assert.equal(add?.severity, 'error');
    assert.equal(add?.line, 4);
    assert.match(add?.evidence ?? '', /-test\('add adds', \(\) => assert.strictEqual\(add\(2, 3\), 5\)\);/);
    assert.match(add?.evidence ?? '', /\+.*-1/);

    assert.equal(byFile.get('test/sub.test.js')?.rule, 'tests/edited');
    assert.match(byFile.get('test/sub.test.js')?.message ?? '', /deleted/);
    assert.equal(byFile.get('.mocharc.json')?.rule, 'tests/configChanged');
    assert.equal(byFile.get('.mocharc.json')?.severity, 'error');
    assert.match(byFile.get('.mocharc.json')?.message ?? '', /modified the mocha configuration \.mocharc\.json/);
    assert.equal(byFile.get('test/mul.test.js')?.rule, 'tests/added');
    assert.equal(byFile.get('test/mul.test.js')?.severity, 'info');
    assert.equal(byFile.get('spec/helpers.js')?.rule, 'tests/added');
    assert.equal(byFile.has('src/math.js'), false);
  });

  it('fails any change to a frozen acceptance test, even an added test, but lets other existing test files grow', async () => {
    const grown = `${ADD_TEST}test('add is commutative', () => assert.strictEqual(add(1, 2), add(2, 1)));\n`;
    const head = fx.branch('loom/r1/grow', { 'src/math.js': MATH_FIXED, 'test/add.test.js': grown, 'test/sub.test.js': `${SUB_TEST}// more later\n` });
    const asAcceptance = await detectTestEdits(fx.repo, fx.start, head, ['test/add.test.js']);
    assert.deepEqual(asAcceptance.map((f) => [f.file, f.rule, f.severity]), [
      ['test/add.test.js', 'tests/edited', 'error'],
      ['test/sub.test.js', 'tests/extended', 'info'],
    ]);
    assert.match(asAcceptance[0].message, /frozen acceptance test test\/add\.test\.js/);
    const asOther = await detectTestEdits(fx.repo, fx.start, head, ['test/sub.test.js']);
    assert.deepEqual(asOther.map((f) => [f.file, f.rule]), [
      ['test/add.test.js', 'tests/extended'],
      ['test/sub.test.js', 'tests/edited'],
    ]);
  });

  it('finds nothing when only source changed', async () => {
    const head = fx.branch('loom/r1/fix', { 'src/math.js': MATH_FIXED });
    assert.deepEqual(await detectTestEdits(fx.repo, fx.start, head), []);
  });
});
