import { RunCoordinator } from '../../../../extension/engine/run/runCoordinator';
import type { RunOptions } from '../../../../extension/engine/run/runOptions';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import type { RunEvent } from '../../../../extension/protocol/events';
import type { RunState } from '../../../../extension/protocol/runState';
import { costUsd, type PriceTable } from '../../../../extension/protocol/pricing';
import { makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';
import { eventsOf, PASS_VERDICT, planTask, report, requireBuild, simulatedRunOptions, write } from './runHarness';

const heavy = { inputTokens: 4_000, outputTokens: 500 };

/** One task whose implementor makes four heavy calls (4,500 tokens each by the model's count). */
export function heavyScenario(): ScenarioInput {
  const plan = { tasks: [planTask('spendy', 'R1', ['src/**'], null)] };
  return {
    name: 'run-budget',
    agents: [
      { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan), usage: { inputTokens: 1_500, outputTokens: 500 } }] },
      {
        match: { role: 'implementor', task: 'spendy' },
        turns: [
          { toolCalls: [write('src/a.js', '1;\n')], usage: heavy },
          { toolCalls: [write('src/b.js', '2;\n')], usage: heavy },
          { toolCalls: [write('src/c.js', '3;\n')], usage: heavy },
          { toolCalls: [report('done', ['src/a.js', 'src/b.js', 'src/c.js'])], usage: heavy },
        ],
      },
      { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
    ],
  };
}

export interface LiveRun {
  run: RunCoordinator;
  events: RunEvent[];
  done: Promise<RunState>;
  loomHome: string;
  cleanup: () => Promise<void>;
}

/** A run whose coordinator the test holds, so it can answer escalations while the run waits. */
export async function startLiveRun(input: {
  files: Record<string, string>;
  spec: string;
  scenario: ScenarioInput;
  options?: (simulatorUrl: string) => Partial<RunOptions>;
  /** Written to LOOM_HOME/prices.json before the run starts. */
  homePrices?: PriceTable;
}): Promise<LiveRun> {
  requireBuild();
  const repo: TempRepo = await makeRepo({ ...input.files, 'SPEC.md': input.spec });
  const home = await makeTempDir('loom-limits-home-');
  if (input.homePrices) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${home.dir}/prices.json`, JSON.stringify(input.homePrices));
  }
  const sim: Simulator = await startSimulator({ scenario: input.scenario });
  const run = new RunCoordinator({
    ...simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: sim.url, model: sim.scenario.model }),
    ...input.options?.(sim.url),
  });
  const events: RunEvent[] = [];
  run.onDidEvent((e) => events.push(e));
  return {
    run,
    events,
    done: run.run(),
    loomHome: home.dir,
    cleanup: async () => {
      await run.dispose();
      await sim.close();
      await repo.cleanup();
      await home.cleanup();
    },
  };
}

/** Answers every escalation of `kind` with `choice` as soon as it opens (outside the journal's append). */
export function answerEach(live: LiveRun, kind: string, choice: string): void {
  live.run.onDidEvent((e) => {
    if (e.type === 'escalation/didOpen' && e.kind === kind) setImmediate(() => void live.run.resolveEscalation(e.escalationId, choice, 'tester'));
  });
}

/** Tokens the journal's model responses report, up to (not including) event `seq`. */
export function tokensBefore(events: RunEvent[], seq = Infinity): number {
  return eventsOf(events, 'model/didRespond')
    .filter((e) => e.seq < seq)
    .reduce((sum, e) => sum + e.usage.inputTokens + e.usage.outputTokens, 0);
}

/** Dollars an agent's journaled responses cost at `prices`. */
export function agentCost(events: RunEvent[], agentId: string, model: string, prices: PriceTable): number {
  return eventsOf(events, 'model/didRespond')
    .filter((e) => e.agentId === agentId)
    .reduce((sum, e) => sum + (costUsd(model, e.usage, prices) ?? 0), 0);
}
