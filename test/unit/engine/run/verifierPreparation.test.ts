import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { RunEvent } from '../../../../extension/protocol/events';
import { VerifierPreparation } from '../../../../extension/engine/run/verifierPreparation';
import { eventsOf, PASS_VERDICT, planTask, report, runScenario, specWith, write, type RunResult } from './runHarness';

const TEST = `const test = require('node:test');\nconst assert = require('node:assert');\ntest('prep works', () => assert.strictEqual(require('../src/prep.js')(), 'prep'));\n`;

/** Worktrees of the repository at this moment whose path is a verifier's checkout. */
function verifierCheckouts(repoDir: string): string[] {
  const list = execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: repoDir, encoding: 'utf8' });
  return list
    .split('\n')
    .filter((line) => line.startsWith('worktree ') && /verifier-/.test(line))
    .map((line) => line.slice('worktree '.length));
}

describe("a task's verifier preparation (its checkout and the start commit's runs)", function () {
  this.timeout(120_000);
  let run: RunResult | undefined;
  afterEach(async () => run?.cleanup());

  it("begins once the implementor's first model call has answered, not beside the wave's start, and is what the verifier uses", async () => {
    let repoDir = '';
    let atFirstAnswer: string[] | null = null;
    run = await runScenario({
      files: { 'README.md': '# prep\n', 'test/prep.test.js': TEST },
      spec: specWith(['prep']),
      scenario: {
        name: 'verifier-preparation',
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify({ tasks: [planTask('prep', 'R1', ['src/prep.js'], 'test/prep.test.js')] }) }] },
          {
            match: { role: 'implementor', task: 'prep' },
            turns: [
              { latencyMs: 300, toolCalls: [write('src/prep.js', "module.exports = () => 'prep';\n")] },
              { latencyMs: 1_500, toolCalls: [report('added prep', ['src/prep.js'])] },
            ],
          },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
      beforeRun: async (repo) => {
        repoDir = repo.dir;
      },
      onEvent: (event: RunEvent) => {
        if (atFirstAnswer === null && event.type === 'model/didRespond' && event.agentId === 'impl-prep-1') atFirstAnswer = verifierCheckouts(repoDir);
      },
    });
    assert.equal(run.state.status, 'succeeded');
    assert.deepEqual(atFirstAnswer, [], "no verifier checkout existed while the implementor's first call was out");
    // Made ahead while the implementor's second call was out: the verifier found the start commit's run cached.
    const failToPass = eventsOf(run.events, 'verify/didCheck').find((e) => e.check.startsWith('failToPass'));
    assert.match(failToPass?.detail ?? '', /cached base/);
  });
});

describe('engine/run/verifierPreparation', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('makes nothing before it is begun, then the checkout and each step in order, and removes what it made when the task ends', async () => {
    const done: string[] = [];
    const prep = new VerifierPreparation(async () => void done.push('checkout'));
    prep.after(async () => void done.push('start-commit runs'));
    await tick();
    assert.equal(done.length, 0, 'nothing before the first answer');
    prep.begin();
    await prep.settled();
    assert.deepEqual(done, ['checkout', 'start-commit runs']);
    prep.end(async () => void done.push('removed'));
    await tick();
    assert.deepEqual(done, ['checkout', 'start-commit runs', 'removed']);
  });

  it('a task that ends before its preparation began makes, runs and removes nothing', async () => {
    const done: string[] = [];
    const prep = new VerifierPreparation(async () => void done.push('checkout'));
    prep.after(async () => void done.push('start-commit runs'));
    prep.end(async () => void done.push('removed'));
    prep.after(async () => void done.push('a step asked for after the end'));
    await prep.settled();
    await tick();
    assert.deepEqual(done, []);
  });
});
