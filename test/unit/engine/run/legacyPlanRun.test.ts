import assert from 'node:assert/strict';
import { eventsOf, runScenario, specWith, type RunResult } from './runHarness';

/** A plan as coordinators answered before plans had to answer coverage: requirement ids only. */
const legacyPlan = { tasks: [{ id: 'touchy', title: 'touchy', instructions: 'do touchy', requirementIds: ['R1'], fileScope: ['src/**'], dependsOn: [], acceptance: [] }] };
const scenario = {
  name: 'legacy-plan',
  agents: [
    { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(legacyPlan) }, { content: JSON.stringify(legacyPlan) }] },
    { match: { role: 'implementor', task: 'touchy' }, turns: [{ toolCalls: [{ name: 'report_result', arguments: { status: 'done', summary: 'nothing to do', filesChanged: [], testsRun: [] } }] }] },
    { match: { role: 'verifier' }, turns: [{ content: JSON.stringify({ verdict: 'pass', findings: [] }) }] },
  ],
};

describe('a plan without coverage (as journals before it recorded them)', function () {
  this.timeout(120_000);
  let run: RunResult | undefined;
  afterEach(async () => {
    await run?.cleanup();
    run = undefined;
  });

  it('is rejected from a model by default, twice, with what to add', async () => {
    run = await runScenario({ files: { 'src/.keep': '' }, spec: specWith(['touchy']), scenario });
    assert.equal(run.state.status, 'failed');
    const failures = eventsOf(run.events, 'plan/didFailValidation');
    assert.deepEqual(failures.map((f) => f.attempt), [1, 2]);
    assert.match(failures[1].errors[0], /^task "touchy" has no coverage: for each acceptance criterion it satisfies, add \{"requirementId": "R1"/);
  });

  it('is accepted by a run that replays a journal recorded before coverage (planCoverage ifAnswered), which plans once and goes on', async () => {
    run = await runScenario({ files: { 'src/.keep': '' }, spec: specWith(['touchy']), scenario, options: { planCoverage: 'ifAnswered' } });
    assert.equal(eventsOf(run.events, 'plan/didFailValidation').length, 0);
    const accepted = eventsOf(run.events, 'plan/didAccept');
    assert.deepEqual(accepted.map((e) => e.plan.tasks.map((t) => t.id)), [['touchy']]);
    assert.equal(accepted[0].plan.tasks[0].coverage, undefined);
  });
});
