import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import { RunCoordinator } from '../../../../extension/engine/run/runCoordinator';
import { startSimulator } from '../../../../extension/engine/simulator/simulatorServer';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { git, makeRepo, makeTempDir } from '../../../fixtures/gitRepo';
import { PASS_VERDICT, eventsOf, planTask, report, runScenario, simulatedRunOptions, specWith, write, type RunResult } from './runHarness';

/** Each acceptance test takes this long once it passes: the integration's checks at the head take as long. */
const SLOW_MS = 2_000;
/** The verifiers' judgment: long enough for the preview to merge and run both checks meanwhile. */
const JUDGMENT_MS = 3_500;

const slowTest = (name: string, value: number) =>
  `const test = require('node:test');\nconst assert = require('node:assert');\n` +
  `test('${name}', async () => {\n  assert.equal(require('../src/${name}.js').value, ${value});\n  await new Promise((r) => setTimeout(r, ${SLOW_MS}));\n});\n`;

const files = {
  'src/alpha.js': 'module.exports = { value: 0 };\n',
  'src/beta.js': 'module.exports = { value: 0 };\n',
  'test/alpha.test.js': slowTest('alpha', 1),
  'test/beta.test.js': slowTest('beta', 2),
};
const plan = { tasks: [planTask('alpha', 'R1', ['src/alpha.js'], 'test/alpha.test.js'), planTask('beta', 'R2', ['src/beta.js'], 'test/beta.test.js')] };
const FAIL_VERDICT = JSON.stringify({ verdict: 'fail', findings: [{ severity: 'error', rule: 'naming', message: 'say why in a comment' }] });

const implementor = (task: string, attempt: number, content: string) => ({
  match: { role: 'implementor' as const, task, attempt },
  turns: [{ toolCalls: [write(`src/${task}.js`, content)] }, { toolCalls: [report(`${task} done`, [`src/${task}.js`])] }],
});
/** Worktrees of semantic checks still registered in the repository: a preview must leave none behind. */
async function semanticWorktrees(r: RunResult): Promise<string[]> {
  return (await git(r.repo.dir, 'worktree', 'list', '--porcelain')).split('\n').filter((l) => l.startsWith('worktree ') && l.includes('semantic-'));
}

const givesUp = { match: { role: 'implementor' as const, task: 'beta', attempt: 2 }, turns: [{ toolCalls: [{ name: 'report_result', arguments: { status: 'blocked', summary: 'cannot say why', filesChanged: [], testsRun: [] } }] }] };

/** Beta's first verdict passes, or fails and its second attempt does it again, or fails and its second attempt gives up. */
function run(beta: 'passes' | 'retries' | 'givesUp'): Promise<RunResult> {
  return runScenario({
    files,
    spec: specWith(['alpha', 'beta']),
    scenario: scenario(beta),
    options: { concurrency: 2 },
  });
}

function scenario(beta: 'passes' | 'retries' | 'givesUp'): ScenarioInput {
  return {
    name: `integration-preview-${beta}`,
      agents: [
        { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
        implementor('alpha', 1, 'module.exports = { value: 1 };\n'),
        implementor('beta', 1, 'module.exports = { value: 2 }; // first\n'),
        beta === 'givesUp' ? givesUp : implementor('beta', 2, 'module.exports = { value: 2 }; // second, with its reason\n'),
        { match: { role: 'verifier', task: 'beta', attempt: 1 }, turns: [{ latencyMs: JUDGMENT_MS, content: beta === 'passes' ? PASS_VERDICT : FAIL_VERDICT }] },
        { match: { role: 'verifier' }, turns: [{ latencyMs: JUDGMENT_MS, content: PASS_VERDICT }] },
      ],
  };
}

describe('the integration previewed while the last verdicts are out (IntegrationPreview)', function () {
  this.timeout(240_000);

  describe('every verdict passes', () => {
    let r: RunResult;
    before(async () => (r = await run('passes')));
    after(async () => r?.cleanup());

    it('the merged tasks\' checks ran together during the verdicts: the run ends soon after the last one, not a check run later', () => {
      assert.equal(r.state.status, 'succeeded', formatReport(r.state));
      assert.deepEqual(eventsOf(r.events, 'merge/didMerge').map((e) => e.taskId), ['alpha', 'beta']);
      const lastVerdict = Math.max(...eventsOf(r.events, 'verify/didFinish').map((e) => e.ts));
      const end = eventsOf(r.events, 'run/didFinish')[0].ts;
      // After the last verdict the checks at the integration head would take SLOW_MS at least.
      assert.ok(end - lastVerdict < SLOW_MS * 0.75, `the run ended ${end - lastVerdict} ms after the last verdict; the checks alone take ${SLOW_MS} ms`);
    });

    it("the integration branch is the preview's merge commits, made while the verdicts were out, its tree what both tasks wrote", async () => {
      const branch = `loom/${r.state.runId}/integration`;
      const lastVerdict = Math.max(...eventsOf(r.events, 'verify/didFinish').map((e) => e.ts));
      const madeAt = Number(await git(r.repo.dir, 'log', '-1', '--format=%ct', branch)) * 1000;
      assert.ok(madeAt <= lastVerdict - 1_500, `the merge commit was made ${lastVerdict - madeAt} ms before the last verdict: landed from the preview, not merged again`);
      assert.equal(await git(r.repo.dir, 'show', `${branch}:src/alpha.js`), 'module.exports = { value: 1 };');
      assert.equal(await git(r.repo.dir, 'show', `${branch}:src/beta.js`), 'module.exports = { value: 2 }; // first');
      assert.equal(eventsOf(r.events, 'run/didFinish')[0].integrationCommit, await git(r.repo.dir, 'rev-parse', branch));
      assert.deepEqual(await semanticWorktrees(r), []);
    });
  });

  describe('the last verdict fails and the task tries again: the preview that counted on it is not what lands', () => {
    let r: RunResult;
    before(async () => (r = await run('retries')));
    after(async () => r?.cleanup());

    it("beta's second attempt is merged, not the head its failed verdict judged", async () => {
      assert.equal(r.state.status, 'succeeded', formatReport(r.state));
      assert.deepEqual(eventsOf(r.events, 'verify/didFinish').filter((e) => e.taskId === 'beta').map((e) => e.passed), [false, true]);
      const branch = `loom/${r.state.runId}/integration`;
      assert.equal(await git(r.repo.dir, 'show', `${branch}:src/beta.js`), 'module.exports = { value: 2 }; // second, with its reason');
      const succeeded = eventsOf(r.events, 'task/didSucceed').find((e) => e.taskId === 'beta')!;
      assert.equal(eventsOf(r.events, 'merge/didMerge').find((e) => e.taskId === 'beta')?.commit, succeeded.headCommit);
      assert.deepEqual(await semanticWorktrees(r), [], 'the stopped preview let go of its checkout');
    });
  });

  describe('the last verdict fails and the task gives up: only the others land', () => {
    let r: RunResult;
    before(async () => (r = await run('givesUp')));
    after(async () => r?.cleanup());

    it("alpha alone is merged; beta's judged head, previewed with alpha's, is not on the integration branch", async () => {
      assert.equal(r.state.status, 'failed', formatReport(r.state));
      assert.deepEqual(eventsOf(r.events, 'merge/didMerge').map((e) => e.taskId), ['alpha']);
      const branch = `loom/${r.state.runId}/integration`;
      assert.equal(await git(r.repo.dir, 'show', `${branch}:src/beta.js`), 'module.exports = { value: 0 };');
      assert.equal(await git(r.repo.dir, 'show', `${branch}:src/alpha.js`), 'module.exports = { value: 1 };');
      assert.deepEqual(await semanticWorktrees(r), [], 'the stopped preview let go of its checkout');
    });
  });

  it('a run stopped while its preview runs the checks: the preview stops with it and leaves no worktree behind', async () => {
    const repo = await makeRepo({ ...files, 'SPEC.md': specWith(['alpha', 'beta']) });
    const home = await makeTempDir('loom-preview-stop-');
    const simulator = await startSimulator({ scenario: scenario('passes') });
    const coordinator = new RunCoordinator({ ...simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: simulator.url }), concurrency: 2 });
    try {
      let claims = 0;
      let stopped: Promise<void> | undefined;
      coordinator.onDidEvent((e) => {
        // Both tasks' checks passed: the preview starts and runs the 2 s checks; stop halfway through them.
        if (e.type === 'verify/didCheck' && e.check === 'claims' && ++claims === 2) setTimeout(() => (stopped = coordinator.stop()), SLOW_MS / 2);
      });
      const state = await coordinator.run();
      await stopped;
      assert.equal(state.status, 'stopped', formatReport(state));
      const worktrees = (await git(repo.dir, 'worktree', 'list', '--porcelain')).split('\n').filter((l) => l.startsWith('worktree ') && l.includes('semantic-'));
      assert.deepEqual(worktrees, []);
      assert.equal(await git(repo.dir, 'rev-parse', '--verify', '-q', `refs/heads/loom/${state.runId}/integration`), '', 'no branch moved');
    } finally {
      await coordinator.dispose();
      await simulator.close();
      await repo.cleanup();
      await home.cleanup();
    }
  });
});
