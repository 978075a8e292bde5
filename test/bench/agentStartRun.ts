// agentStart.bench.ts's run part: task ready → first model call through a real run (RunCoordinator,
// worker threads, sandboxed tool servers, the model simulator) on the bench's large repository.
import { existsSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { RunCoordinator } from '../../extension/engine/run/runCoordinator';
import { readJournal } from '../../extension/engine/journal/journalReader';
import { startSimulator } from '../../extension/engine/simulator/simulatorServer';
import { BUNDLE, eventsOf, PASS_VERDICT, planTask, report, simulatedRunOptions, specWith, write } from '../unit/engine/run/runHarness';

export interface AgentReady {
  /** Task ready (the lease's effect/willApply) → the implementor's first model call (its startedAt). */
  readyMs: number;
  outcome: string;
}

/** False when dist/ has no worker or tool server (run `npm run build` first). */
export function canRun(): boolean {
  return existsSync(BUNDLE.agentWorker) && existsSync(BUNDLE.toolServer);
}

/** One run of one task scoped to `scope`: the agent writes a note in the scope's folder and reports it on `repo` (its HEAD), with sparse leases or full ones. */
export async function agentReadyThroughRun(repo: string, scope: string[], sparseLeases: boolean, workDir: string): Promise<AgentReady> {
  const home = await fs.mkdtemp(path.join(workDir, 'home-'));
  const specPath = path.join(home, 'SPEC.md');
  writeFileSync(specPath, specWith(['start']));
  const plan = { tasks: [planTask('start', 'R1', scope, null)] };
  const NOTE = `${scope[0].replace(/\/\*\*$/, '')}/LOOM_BENCH.md`;
  const simulator = await startSimulator({
    scenario: {
      name: 'agent-start',
      agents: [
        { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
        { match: { role: 'implementor', task: 'start' }, turns: [{ toolCalls: [write(NOTE, 'written by the agent-start bench\n')] }, { toolCalls: [report('added a note', [NOTE])] }] },
        { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
      ],
    },
  });
  const coordinator = new RunCoordinator({
    ...simulatedRunOptions({ repo, loomHome: home, simulatorUrl: simulator.url, model: simulator.scenario.model }),
    specPath,
    sparseLeases,
    runId: `agent-start-${sparseLeases ? 'sparse' : 'full'}`,
  });
  try {
    const state = await coordinator.run();
    const events = readJournal(coordinator.journalPath).events;
    const willApply = eventsOf(events, 'effect/willApply').find((e) => e.kind === 'lease');
    const first = eventsOf(events, 'model/didRespond').find((e) => e.agentId.startsWith('impl-'));
    if (!willApply || !first) throw new Error(`the run did not reach the implementor's first model call (${state.status ?? 'no status'})`);
    return { readyMs: first.startedAt - willApply.ts, outcome: String(state.status) };
  } finally {
    await coordinator.dispose();
    await simulator.close();
  }
}
