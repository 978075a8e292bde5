import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadScenario } from '../engine/simulator/loadScenario';
import { startSimulator } from '../engine/simulator/simulatorServer';
import { readJournal } from '../engine/journal/journalReader';
import { DEFAULT_RUN_SETTINGS } from '../engine/run/runOptions';
import { sumTaskTimes } from '../engine/run/report';
import { bundlePaths, packageRoot } from './bundlePaths';
import { createDemoRepo } from './demoRepo';
import { demoChecks } from './demoChecks';
import { executeRun } from './executeRun';
import { SIMULATOR_KEY } from './endpointFromFlags';

/**
 * `loom demo`: a sample repository in a temp folder, the simulator with the bundled scenario, and a
 * real run of the whole pipeline. Exits 0 only when everything it shows happened as scripted.
 */
export async function demoCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { keep: { type: 'boolean' } }, strict: true });
  const demoDir = join(packageRoot(), 'examples', 'demo');
  const { root, repo } = await createDemoRepo(join(demoDir, 'repo'));
  const simulator = await startSimulator({ scenario: await loadScenario(join(demoDir, 'scenario.json')) });
  print(`Demo repository: ${repo}`);
  print(`Model simulator (scenario "${simulator.scenario.name}") at ${simulator.url}`);
  print('');
  try {
    const wallStart = Date.now();
    const run = await executeRun(
      {
        repo,
        specPath: join(demoDir, 'spec.md'),
        endpoint: { baseUrl: simulator.url, model: simulator.scenario.model, apiKey: SIMULATOR_KEY, timeoutMs: 30_000, maxRetries: 3, headers: [] },
        concurrency: 3,
        loomHome: join(root, 'loom-home'),
        bundle: bundlePaths(),
        budgets: { ...DEFAULT_RUN_SETTINGS.budgets },
        maxTurns: 12,
        commandAllowlist: ['node'],
        lintCommand: null,
        flakeReruns: 2,
        commandTimeoutMs: 60_000,
        mcpServers: [],
      },
      print,
      // Two tasks write src/index.js outside their scopes on purpose (the conflict the demo shows):
      // under the default policy each write waits on an approval, which the demo answers itself.
      { mode: 'approve', by: 'demo' },
    );
    const wall = Date.now() - wallStart;
    const { events } = readJournal(run.journalPath);
    const checks = demoChecks(events, run.state);
    print('');
    print('What the demo shows, checked against the journal:');
    for (const c of checks) print(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    print('');
    print(`Demo wall time ${(wall / 1000).toFixed(1)}s; the tasks' own times add up to ${(sumTaskTimes(run.state.tasks) / 1000).toFixed(1)}s.`);
    print(`loom run would exit ${run.exitCode} here (3 = an escalation waits for a person).`);
    return checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    await simulator.close();
    if (values.keep) print(`Kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}
