import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatReport } from '../../../../extension/engine/run/report';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { eventsOf, ROOT, runScenario, specWith } from './runHarness';

describe('a run whose coordinator never produces a valid plan', function () {
  this.timeout(60_000);

  it('repairs once with the validation errors, then ends failed with the errors reported, starting nothing', async () => {
    const run = await runScenario({
      files: { 'README.md': '# r\n' },
      spec: specWith(['one']),
      scenario: {
        name: 'bad-plan',
        agents: [{ match: { role: 'coordinator' }, turns: [{ content: 'I think we should refactor everything.' }, { content: '{"tasks": [{"id": "Bad Id"}]}' }] }],
      },
    });
    try {
      assert.equal(run.state.status, 'failed');
      const failures = eventsOf(run.events, 'plan/didFailValidation');
      assert.deepEqual(failures.map((f) => f.attempt), [1, 2]);
      assert.match(failures[0].errors.join('\n'), /not JSON/);
      assert.equal(run.state.tasks.length, 0);
      assert.equal(eventsOf(run.events, 'agent/didStart').filter((a) => a.role !== 'coordinator').length, 0);
      const report = formatReport(run.state);
      assert.match(report, /Plan validation\n {2}attempt 1: .*not JSON/);
      assert.equal(eventsOf(run.events, 'agent/didFinish')[0].outcome.kind, 'invalidResult');
    } finally {
      await run.cleanup();
    }
  });

  it("rejects the demo's plans replayed on another repository's spec (twice), naming the criteria they leave uncovered, and starts nothing", async () => {
    const demo = JSON.parse(readFileSync(join(ROOT, 'examples/demo/scenario.json'), 'utf8')) as ScenarioInput;
    const run = await runScenario({
      files: { 'README.md': '# textkit\n' },
      spec: readFileSync(join(ROOT, 'examples/spec.md'), 'utf8'),
      scenario: { name: 'demo-elsewhere', agents: demo.agents.filter((a) => a.match?.role === 'coordinator') },
    });
    try {
      assert.equal(run.state.status, 'failed');
      const failures = eventsOf(run.events, 'plan/didFailValidation');
      assert.deepEqual(failures.map((f) => f.attempt), [1, 2]);
      const last = failures[1].errors;
      assert.ok(last.some((e) => e.startsWith('task "add-multiply" coverage[0] quotes "`multiply(3, 4)` is `12`') && e.includes('as a criterion of R2 (truncate), but the spec has no such criterion')), last.join('\n'));
      assert.ok(last.some((e) => e.startsWith('acceptance criterion "`slugify(42)` throws a `TypeError` mentioning `text`" of R1 (slugify) is not covered by any task')), last.join('\n'));
      assert.equal(run.state.tasks.length, 0);
      assert.equal(eventsOf(run.events, 'agent/didStart').filter((a) => a.role !== 'coordinator').length, 0);
    } finally {
      await run.cleanup();
    }
  });
});
