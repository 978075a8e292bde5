import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import { RunCoordinator } from '../../../../extension/engine/run/runCoordinator';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import type { RunEvent } from '../../../../extension/protocol/events';
import { makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';
import { requireBuild, simulatedRunOptions, specWith, touchScenario, waitFor } from './runHarness';

/** Events that report an external effect done: on disk before any listener (progress, UI) hears of them. */
const EFFECTS: RunEvent['type'][] = ['lease/didCreate', 'lease/didRemove', 'checkpoint/didCommit', 'merge/didMerge', 'escalation/didOpen', 'escalation/didResolve', 'policy/didDecide', 'run/didFinish'];

describe('the coordinator journals in groups, and effects durably first (real run, simulator)', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let sim: Simulator;

  beforeEach(async () => {
    requireBuild();
    repo = await makeRepo({ 'README.md': '# r\n', 'SPEC.md': specWith(['touchy']) });
    home = await makeTempDir('loom-journal-run-home-');
    sim = await startSimulator({ scenario: touchScenario() });
  });
  afterEach(async () => {
    await sim.close();
    await repo.cleanup();
    await home.cleanup();
  });

  it('every effect event is on disk when listeners hear of it, and the whole run is when run() returns', async () => {
    const run = new RunCoordinator({ ...simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: sim.url }), concurrency: 1, flakeReruns: 0 });
    const heard: RunEvent[] = [];
    const late: string[] = [];
    run.onDidEvent((event) => {
      heard.push(event);
      if (!EFFECTS.includes(event.type)) return;
      const onDisk = readFileSync(run.journalPath, 'utf8').includes(`{"seq":${event.seq},`);
      if (!onDisk) late.push(`${event.seq} ${event.type}`);
    });
    try {
      const done = run.run();
      await waitFor(() => heard.some((e) => e.type === 'escalation/didOpen'));
      await run.resolveEscalation('approval-1', 'approve', 'tester');
      const state = await done;
      assert.equal(state.status, 'succeeded');
      assert.deepEqual(late, []);
      for (const type of EFFECTS) assert.ok(heard.some((e) => e.type === type), `the run had no ${type}`);
      // run() has returned: every event it published is on disk, before dispose.
      const { events, problems } = readJournal(run.journalPath);
      assert.deepEqual(problems, []);
      assert.deepEqual(events, JSON.parse(JSON.stringify(heard)));
    } finally {
      await run.dispose();
    }
  });
});
