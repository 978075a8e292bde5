import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import { RunCoordinator } from '../../../../extension/engine/run/runCoordinator';
import { runSummary } from '../../../../extension/engine/run/runCatalog';
import { ownerFile } from '../../../../extension/engine/run/runOwner';
import { runPaths } from '../../../../extension/engine/run/runPaths';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { DEFAULT_ACTION_POLICY } from '../../../../extension/protocol/policy';
import type { RunOptions } from '../../../../extension/engine/run/runOptions';
import { JournalRun } from '../../../../extension/vscode/run/journalRun';
import { RunController } from '../../../../extension/vscode/run/runController';
import { git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';
import { answerFromDashboard } from './answerFromDashboard';
import { BUNDLE, PASS_VERDICT, planTask, report, requireBuild, simulatedRunOptions, specWith, waitFor, write } from '../../engine/run/runHarness';

/** Two tasks that both add src/index.js (outside their scopes, allowed): the second to merge conflicts. */
function conflictScenario(): ScenarioInput {
  const plan = { tasks: [planTask('alpha', 'R1', ['src/alpha.js'], null), planTask('beta', 'R2', ['src/beta.js'], null)] };
  const implementor = (name: string) => ({
    match: { role: 'implementor', task: name },
    turns: [
      { latencyMs: 400, toolCalls: [write(`src/${name}.js`, `module.exports = '${name}';\n`)] },
      { latencyMs: 400, toolCalls: [write('src/index.js', `module.exports = require('./${name}');\n`)] },
      { latencyMs: 200, toolCalls: [report(`${name} added`, [`src/${name}.js`, 'src/index.js'])] },
    ],
  });
  return {
    name: 'reload-conflict',
    agents: [
      { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
      implementor('alpha'),
      implementor('beta'),
      { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
    ],
  };
}

/**
 * What a window reload does to a run in VS Code, with the real coordinator, worker threads and
 * simulator: deactivation disposes the controller (the old window), a new controller (the new window)
 * resumes the run through RunOptions.resume, and after it ends its conflict is answered on the run
 * reopened from LOOM_HOME.
 */
describe('vscode: a run survives a window reload (deactivate, resume, answer)', function () {
  this.timeout(180_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let sim: Simulator;
  let options: RunOptions;
  const controllers: RunController[] = [];
  const newWindow = () => {
    const controller = new RunController((o) => new RunCoordinator(o));
    controllers.push(controller);
    return controller;
  };

  before(async () => {
    requireBuild();
    repo = await makeRepo({ 'README.md': '# r\n', 'SPEC.md': specWith(['alpha', 'beta']) });
    home = await makeTempDir('loom-reload-');
    sim = await startSimulator({ scenario: conflictScenario() });
    options = {
      ...simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: sim.url }),
      concurrency: 2,
      flakeReruns: 0,
      policy: { ...DEFAULT_ACTION_POLICY, writeOutsideScope: 'allow' },
    };
  });

  after(async () => {
    for (const c of controllers) await c.dispose();
    await sim.close();
    await repo.cleanup();
    await home.cleanup();
  });

  let runId: string;

  it('deactivation leaves a run in flight unfinished and ownerless: the catalogue says interrupted', async () => {
    const first = newWindow();
    const started = await first.start(options);
    runId = started.runId;
    await waitFor(() => first.state.agents.some((a) => a.role === 'implementor' && a.status === 'running'));
    await first.dispose();
    const { state } = await started.done;
    const paths = runPaths(home.dir, runId);
    assert.equal(state.endedAt, null, 'no run/didFinish: the window went away, nobody stopped the run');
    const events = readJournal(paths.journal).events;
    assert.deepEqual(events.filter((e) => e.type === 'run/didFinish'), []);
    assert.deepEqual(events.filter((e) => e.type === 'task/didFail'), [], 'no task is failed by the window going away (resume continues them)');
    assert.equal(existsSync(ownerFile(paths.runDir)), false, 'the owner file went with its process');
    assert.equal(runSummary(home.dir, runId)?.status, 'interrupted');
    // A reopened unfinished run is not answered behind the back of its resume.
    await assert.rejects(new JournalRun(home.dir, runId, BUNDLE).resolveEscalation('esc-1', 'theirs', 'user'), /has not finished: resume it/);
  });

  it('a new window resumes it (RunOptions.resume): the views get its history at once, then it ends on the conflict', async () => {
    const second = newWindow();
    const history = readJournal(runPaths(home.dir, runId).journal).events;
    const started = await second.start({ ...options, runId, resume: true }, [], history);
    assert.equal(second.runId, runId);
    assert.ok(second.events.length >= history.length, 'the events before the reload are there for traces and spend');
    assert.equal(second.state.tasks.length, 2, 'the plan from before the reload');
    const { state, error } = await started.done;
    assert.equal(error, null);
    assert.equal(state.status, 'escalated');
    const events = readJournal(runPaths(home.dir, runId).journal).events;
    assert.equal(events.filter((e) => e.type === 'run/didResume').length, 1);
    assert.equal(events.filter((e) => e.type === 'merge/didMerge').length, 1, 'one task merged, the other held by the conflict');
    assert.deepEqual(
      state.escalations.map((e) => [e.escalationId, e.kind, e.resolution]),
      [['esc-1', 'conflict', null]],
    );
  });

  it('after another reload the run is reopened from LOOM_HOME and its escalation answered from the dashboard', async () => {
    const third = newWindow();
    const reopened = new JournalRun(home.dir, runId, BUNDLE);
    await third.show(reopened, reopened.events);
    assert.equal(third.runId, runId);
    assert.equal(third.isRunning, false);
    assert.equal(third.state.status, 'escalated');
    await answerFromDashboard(third, 'esc-1', 'theirs');
    assert.equal(third.state.status, 'succeeded');
    assert.equal(third.state.escalations[0].resolution, 'theirs');
    assert.equal(runSummary(home.dir, runId)?.status, 'succeeded', 'the answer is in the journal');
    const branch = `loom/${runId}/integration`;
    assert.equal(await git(repo.dir, 'rev-parse', '--verify', '-q', `${branch}^2`).then(Boolean), true, 'the held task merged (a two-parent merge)');
    await assert.rejects(third.resolveEscalation('esc-1', 'ours', 'user'), /already resolved/);
  });
});
