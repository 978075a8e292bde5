// Benchmark, not a test: how much the scheduler's parallelism buys on the same plan.
// The same four independent tasks (each model call with 400 ms simulated latency) run with
// concurrency 1 (the baseline) and then with concurrency 4, in one process; it prints the ratio.
// Run: npm run build && npx tsx test/bench/parallelSpeedup.bench.ts
import { planTask, report, runScenario, specWith, write, PASS_VERDICT } from '../unit/engine/run/runHarness';
import { sumTaskTimes } from '../../extension/engine/run/report';

const ids = ['one', 'two', 'three', 'four'];

async function runWith(concurrency: number): Promise<{ wallMs: number; taskMs: number }> {
  const plan = { tasks: ids.map((id, i) => planTask(id, `R${i + 1}`, [`src/${id}.js`], null)) };
  const run = await runScenario({
    files: { 'README.md': '# bench\n' },
    spec: specWith(ids),
    scenario: {
      name: 'bench',
      agents: [
        { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
        ...ids.map((id) => ({
          match: { role: 'implementor', task: id },
          turns: [
            { latencyMs: 400, toolCalls: [write(`src/${id}.js`, `module.exports = '${id}';\n`)] },
            { latencyMs: 400, toolCalls: [report(`added ${id}`, [`src/${id}.js`])] },
          ],
        })),
        { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
      ],
    },
    options: { concurrency },
  });
  try {
    if (run.state.status !== 'succeeded') throw new Error(`bench run ${run.state.status}`);
    return { wallMs: run.state.endedAt! - run.state.startedAt!, taskMs: sumTaskTimes(run.state.tasks) };
  } finally {
    await run.cleanup();
  }
}

async function main(): Promise<void> {
  const baseline = await runWith(1);
  const parallel = await runWith(4);
  const line = (name: string, r: { wallMs: number; taskMs: number }) =>
    `${name.padEnd(14)} wall ${(r.wallMs / 1000).toFixed(1)}s, sum of task times ${(r.taskMs / 1000).toFixed(1)}s`;
  console.log(line('concurrency 1', baseline));
  console.log(line('concurrency 4', parallel));
  console.log(`speed-up (baseline wall / parallel wall): ${(baseline.wallMs / parallel.wallMs).toFixed(2)}x`);
  console.log(`parallel wall / its sum of task times: ${(parallel.wallMs / parallel.taskMs).toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
