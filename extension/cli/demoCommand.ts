import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
import { loomHome, runPaths } from '../engine/run/runPaths';
import { cleanRun } from '../engine/run/cleanRun';

/**
 * `loom demo`: a sample repository under LOOM_HOME, the simulator with the bundled scenario, and a
 * real run of the whole pipeline, kept for `loom status`/`merge`/`clean` (`--clean` removes it at
 * the end). Exits 0 only when everything it shows happened as scripted.
 */
export async function demoCommand(argv: string[], print: (line: string) => void): Promise<number> {
  // --keep is what the demo does by default now; it is still accepted so older instructions work.
  const { values } = parseArgs({ args: argv, options: { clean: { type: 'boolean' }, keep: { type: 'boolean' }, 'loom-home': { type: 'string' } }, strict: true });
  const demoDir = join(packageRoot(), 'examples', 'demo');
  // The run is kept where every other run is, so loom status/runs/merge/clean work on it afterwards.
  const home = values['loom-home'] ? resolve(values['loom-home']) : loomHome();
  const { root, repo } = await createDemoRepo(join(demoDir, 'repo'), join(home, 'demo-repos'));
  const simulator = await startSimulator({ scenario: await loadScenario(join(demoDir, 'scenario.json')) });
  print(`Demo repository: ${repo}`);
  print(`Model simulator (scenario "${simulator.scenario.name}") at ${simulator.url}`);
  print('');
  let runId: string | null = null;
  try {
    const wallStart = Date.now();
    const run = await executeRun(
      {
        repo,
        specPath: join(demoDir, 'spec.md'),
        endpoint: { baseUrl: simulator.url, model: simulator.scenario.model, apiKey: SIMULATOR_KEY, timeoutMs: 30_000, maxRetries: 3, headers: [] },
        concurrency: 3,
        loomHome: home,
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
    runId = run.state.runId;
    const wall = Date.now() - wallStart;
    const { events } = readJournal(run.journalPath);
    const checks = demoChecks(events, run.state);
    print('');
    print('What the demo shows, checked against the journal:');
    for (const c of checks) print(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    print('');
    print(`Demo wall time ${(wall / 1000).toFixed(1)}s; the tasks' own times add up to ${(sumTaskTimes(run.state.tasks) / 1000).toFixed(1)}s.`);
    print(`loom run would exit ${run.exitCode} here (3 = an escalation waits for a person).`);
    if (!values.clean && runId) for (const line of nextCommands(runId, repo, home, values['loom-home'] !== undefined)) print(line);
    return checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    await simulator.close();
    if (values.clean) {
      if (runId) await cleanRun({ home, runId, repo, deleteBranches: true, discardResult: true }).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
      if (runId) rmSync(runPaths(home, runId).runDir, { recursive: true, force: true });
      print('Removed the demo repository and its run (--clean).');
    }
  }
}

/** What to try next on the run the demo kept, as exact commands. */
function nextCommands(runId: string, repo: string, home: string, homeFlag: boolean): string[] {
  const flag = homeFlag ? ` --loom-home ${home}` : '';
  const rows: [string, string][] = [
    [`loom status ${runId}${flag}`, 'the report again, from the journal'],
    [`loom runs${flag}`, 'every run kept there, newest first'],
    [`loom merge ${runId}${flag}`, "bring the result into the demo repository's main branch"],
    [`git -C ${repo} log --oneline --graph --all`, "the agents' branches and the merges"],
    [`loom clean ${runId}${flag} --delete-branches`, 'remove its worktrees and branches'],
    ['loom demo --clean', 'a demo that removes everything it made when it ends'],
  ];
  const width = Math.max(...rows.map(([command]) => command.length));
  return ['', `The run is kept in ${runPaths(home, runId).runDir}. Try next:`, ...rows.map(([command, what]) => `  ${command.padEnd(width)}  ${what}`)];
}
