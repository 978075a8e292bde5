// Benchmark, not a test: what an implementor's prompts cost over a long task.
// The same 30-turn task (one file read of 150–300 lines or one test log per turn; fixtures/longImplementorTask.ts)
// runs through the real engine and the simulator three times in this process: with elision off (the baseline:
// every turn resends the whole history), with the default elision (stale results stubbed every 4 turns),
// and with the boundary moving every turn (to show what a prefix that changes every turn does to the cache).
// Figures come from the journal's model/didRespond usage; the simulator reports cached tokens like OpenAI.
// Run: npm run build && npx tsx test/bench/promptTokens.bench.ts
import { DEFAULT_RUN_SETTINGS } from '../../extension/engine/run/runOptions';
import { costUsd } from '../../extension/protocol/pricing';
import { DEFAULT_ELISION, type ElisionOptions } from '../../extension/engine/agents/elideToolResults';
import { runScenario } from '../unit/engine/run/runHarness';
import { implementorInput, LONG_TASK_TURNS, longTaskFiles, longTaskScenario, longTaskSpec } from '../fixtures/longImplementorTask';
import { reportFigures } from './benchTargets';

interface Measured {
  inputTokens: number;
  cachedInputTokens: number;
  calls: number;
  usd: number;
  /** The same usage at gpt-4.1's prices, whose cached input costs a quarter (the simulator's: a tenth). */
  gpt41Usd: number;
}

async function runWith(elision: ElisionOptions | false): Promise<Measured> {
  const run = await runScenario({
    files: longTaskFiles,
    spec: longTaskSpec,
    scenario: longTaskScenario(),
    // The same generous budget and a window that holds the whole history for every variant, so the
    // baseline is neither stopped nor compacted: it resends everything.
    options: { maxTurns: LONG_TASK_TURNS + 2, elision, contextWindowTokens: 1_000_000, budgets: { ...DEFAULT_RUN_SETTINGS.budgets, taskTokens: 5_000_000 } },
  });
  try {
    if (run.state.status !== 'succeeded') throw new Error(`the task must still succeed; the run ${run.state.status}`);
    const used = implementorInput(run.events);
    if (used.calls !== LONG_TASK_TURNS) throw new Error(`expected ${LONG_TASK_TURNS} implementor calls, journaled ${used.calls}`);
    const model = run.state.agents.find((a) => a.agentId.startsWith('impl-'))?.model ?? 'loom-sim-1';
    return { ...used, usd: costUsd(model, { ...used, outputTokens: 0 }) ?? 0, gpt41Usd: costUsd('gpt-4.1', { ...used, outputTokens: 0 }) ?? 0 };
  } finally {
    await run.cleanup();
  }
}

async function main(): Promise<void> {
  const full = await runWith(false);
  const elided = await runWith(DEFAULT_ELISION);
  const everyTurn = await runWith({ ...DEFAULT_ELISION, blockTurns: 1 });
  const share = (m: Measured) => m.cachedInputTokens / m.inputTokens;
  const line = (name: string, m: Measured) =>
    `${name.padEnd(34)} ${String(m.inputTokens).padStart(8)} input tokens, ${(100 * share(m)).toFixed(0).padStart(3)}% cached, input cost $${m.usd.toFixed(4)}`;
  console.log(line('full history (elision off)', full));
  console.log(line(`elision every ${DEFAULT_ELISION.blockTurns} turns (default)`, elided));
  console.log(line('elision every turn', everyTurn));
  reportFigures(`Implementor prompt tokens over a ${LONG_TASK_TURNS}-turn task`, [
    {
      name: 'input tokens sent, default elision',
      value: elided.inputTokens,
      unit: 'tokens',
      baseline: { value: full.inputTokens, name: 'full history resent' },
      target: { on: 'ratio', atMost: 0.5 },
    },
    { name: 'cached share of input, default elision', value: 100 * share(elided), unit: '%' },
    { name: 'cached share of input, full history', value: 100 * share(full), unit: '%' },
    { name: 'cached share of input, elision every turn', value: 100 * share(everyTurn), unit: '%' },
    {
      name: 'input cost at cached prices, default elision',
      value: elided.usd,
      unit: '$',
      baseline: { value: full.usd, name: 'full history resent' },
    },
    {
      name: 'the same at gpt-4.1 prices (cached 0.25x)',
      value: elided.gpt41Usd,
      unit: '$',
      baseline: { value: full.gpt41Usd, name: 'full history resent' },
    },
  ]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
