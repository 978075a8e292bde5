import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import { makeTempDir } from '../../../fixtures/gitRepo';
import { firedMarkers, plantHooks } from '../../../fixtures/plantedHooks';
import { PASS_VERDICT, planTask, report, runScenario, specWith, write, type RunResult } from './runHarness';

const failingTest = (name: string, expected: number) =>
  `const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { value } = require('../src/${name}');\ntest('${name}', () => assert.equal(value, ${expected}));\n`;

/**
 * A whole run (leases, checkpoints, a dependent task's combined start, verification in scratch
 * worktrees, conflict checks, integration) on a repository where an agent has planted every hook
 * and a `core.fsmonitor` program: none of them runs.
 */
describe('a run on a repository with planted hooks', function () {
  if (process.platform === 'win32') return; // the planted programs are shell scripts
  this.timeout(180_000);
  let run: RunResult;
  let markers: { dir: string; cleanup: () => Promise<void> };

  before(async () => {
    markers = await makeTempDir('loom-markers-');
    const plan = {
      tasks: [planTask('good', 'R1', ['src/good.js'], 'test/good.test.js'), planTask('other', 'R2', ['src/other.js'], null), planTask('after', 'R3', ['src/after.js'], null, ['good'])],
    };
    run = await runScenario({
      files: { 'src/good.js': 'module.exports = { value: 0 };\n', 'test/good.test.js': failingTest('good', 7) },
      spec: specWith(['good', 'other', 'after']),
      scenario: {
        name: 'planted-hooks',
        defaultLatencyMs: 20,
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
          ...(
            [
              ['good', 'src/good.js', 'module.exports = { value: 7 };\n'],
              ['other', 'src/other.js', 'module.exports = 2;\n'],
              ['after', 'src/after.js', 'module.exports = 3;\n'],
            ] as const
          ).map(([task, file, content]) => ({
            match: { role: 'implementor' as const, task },
            turns: [{ toolCalls: [write(file, content)] }, { toolCalls: [report(`wrote ${file}`, [file])] }],
          })),
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
      beforeRun: (repo) => plantHooks(repo.dir, markers.dir),
    });
  });

  after(async () => {
    await run?.cleanup();
    await markers?.cleanup();
  });

  it('merges every task and runs none of the planted programs', async () => {
    assert.equal(run.state.status, 'succeeded', formatReport(run.state));
    assert.deepEqual(run.state.tasks.map((t) => t.status), ['merged', 'merged', 'merged']);
    assert.deepEqual(await firedMarkers(markers.dir), []);
  });
});
