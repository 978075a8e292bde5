import assert from 'node:assert/strict';
import { reporterOfCommand, runnerOfCommand } from '../../../../../extension/engine/verify/runners/commandRunner';

describe('runnerOfCommand', () => {
  const cases: [string[], string | undefined][] = [
    [['mocha', 'test/a.test.js'], 'mocha'],
    [['npx', 'mocha', '--reporter', 'json'], 'mocha'],
    [['npx', '--yes', 'jest'], 'jest'],
    [['node_modules/.bin/vitest', 'run'], 'vitest'],
    [['node', 'node_modules/mocha/bin/mocha.js'], 'mocha'],
    [['node', '--test', 'test/'], 'node --test'],
    [['node', '--import', 'tsx', '--test'], 'node --test'],
    [['tape', 'test/*.js'], 'tape'],
    [['npx', 'tap', 'test/'], 'tap'],
    [['sh', '-c', 'npm run build && npx mocha test'], 'mocha'],
    [['npm', 'exec', 'jest'], 'jest'],
    [['npm', 'test'], undefined],
    [['npm', 'run', 'tap'], undefined],
    [['yarn', 'test'], undefined],
    [['node', 'test/run.js'], undefined],
  ];
  for (const [argv, runner] of cases) {
    it(`${argv.join(' ')} → ${runner ?? 'unknown'}`, () => assert.equal(runnerOfCommand(argv), runner));
  }
});

describe('reporterOfCommand', () => {
  it('reads --reporter, -R, --test-reporter and --json', () => {
    assert.equal(reporterOfCommand(['mocha', '--reporter', 'json']), 'json');
    assert.equal(reporterOfCommand(['vitest', 'run', '--reporter=json']), 'json');
    assert.equal(reporterOfCommand(['mocha', '-R', 'tap']), 'tap');
    assert.equal(reporterOfCommand(['node', '--test', '--test-reporter=spec']), 'spec');
    assert.equal(reporterOfCommand(['jest', '--json']), 'json');
    assert.equal(reporterOfCommand(['mocha']), undefined);
  });
});
