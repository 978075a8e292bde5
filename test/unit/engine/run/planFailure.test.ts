import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import { eventsOf, runScenario, specWith } from './runHarness';

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
});
