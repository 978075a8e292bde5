import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import { RunCoordinator } from '../../../../extension/engine/run/runCoordinator';
import { RunController } from '../../../../extension/vscode/run/runController';
import { choicesForEscalation } from '../../../../extension/protocol/webviewMessages';
import { answerFromDashboard } from './answerFromDashboard';
import { makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';
import { requireBuild, simulatedRunOptions, specWith, touchScenario, waitFor } from '../../engine/run/runHarness';

/**
 * The dashboard's Approve button, as the host receives it: the webview's message is validated by
 * routeWebviewMessage and reaches the running coordinator through the RunController, while the agent
 * waits (a real worker thread, tool server and simulator).
 */
describe('vscode: an approval answered from the dashboard reaches the waiting agent', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let sim: Simulator;
  let controller: RunController;

  before(async () => {
    requireBuild();
    repo = await makeRepo({ 'README.md': '# r\n', 'SPEC.md': specWith(['touchy']) });
    home = await makeTempDir('loom-dashboard-approval-');
    sim = await startSimulator({ scenario: touchScenario() });
    controller = new RunController((options) => new RunCoordinator(options));
  });

  after(async () => {
    await controller.dispose();
    await sim.close();
    await repo.cleanup();
    await home.cleanup();
  });

  it('approve from the dashboard: the command runs and the run succeeds', async () => {
    const started = await controller.start({ ...simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: sim.url }), concurrency: 1, flakeReruns: 0 });
    await waitFor(() => controller.state.escalations.some((e) => e.kind === 'approval'));
    const escalation = controller.state.escalations.find((e) => e.kind === 'approval')!;
    assert.ok(escalation, 'an approval opened');
    assert.equal(controller.isRunning, true);
    // What the card offers, and what its Approve button posts: plain data through the validated route.
    assert.deepEqual(choicesForEscalation(escalation.kind, escalation.options), ['approve', 'deny']);
    await answerFromDashboard(controller, escalation.escalationId, 'approve');
    const { state, error } = await started.done;
    assert.equal(error, null);
    assert.equal(state.status, 'succeeded');
    assert.equal(state.escalations.find((e) => e.escalationId === escalation.escalationId)?.resolution, 'approve');
    assert.deepEqual(state.policyDecisions.map((d) => [d.outcome, d.by]), [['approved', 'user']]);
  });
});
