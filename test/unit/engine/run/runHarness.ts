import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunEvent } from '../../../../extension/protocol/events';
import type { RunState } from '../../../../extension/protocol/runState';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { startSimulator } from '../../../../extension/engine/simulator/simulatorServer';
import { RunCoordinator } from '../../../../extension/engine/run/runCoordinator';
import { DEFAULT_RUN_SETTINGS, type RunOptions } from '../../../../extension/engine/run/runOptions';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import { makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';

export const ROOT = resolve(__dirname, '..', '..', '..', '..');
export const BUNDLE = {
  agentWorker: join(ROOT, 'dist', 'workers', 'agentWorker.js'),
  toolServer: join(ROOT, 'dist', 'tools', 'loomToolServer.js'),
};

export function requireBuild(): void {
  if (!existsSync(BUNDLE.agentWorker) || !existsSync(BUNDLE.toolServer)) {
    throw new Error('these tests spawn the built worker and tool server: run `npm run build` first (npm test does)');
  }
}

export interface RunResult {
  state: RunState;
  events: RunEvent[];
  journalPath: string;
  repo: TempRepo;
  loomHome: string;
  cleanup: () => Promise<void>;
}

/** A real run: a temp git repo, the HTTP simulator with an inline scenario, worker threads, MCP subprocesses. */
export async function runScenario(input: {
  files: Record<string, string>;
  spec: string;
  scenario: ScenarioInput;
  /** Overrides; a function gets the simulator's URL. */
  options?: Partial<RunOptions> | ((simulatorUrl: string) => Partial<RunOptions>);
  beforeRun?: (repo: TempRepo) => Promise<void>;
  /** Sees each event as it is journaled, while the run goes on (e.g. to kill a process it names). */
  onEvent?: (event: RunEvent) => void;
}): Promise<RunResult> {
  requireBuild();
  const repo = await makeRepo({ ...input.files, 'SPEC.md': input.spec });
  const home = await makeTempDir('loom-home-');
  const simulator = await startSimulator({ scenario: input.scenario });
  await input.beforeRun?.(repo);
  const coordinator = new RunCoordinator({
    ...simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: simulator.url, model: simulator.scenario.model }),
    ...(typeof input.options === 'function' ? input.options(simulator.url) : input.options),
  });
  if (input.onEvent) coordinator.onDidEvent(input.onEvent);
  try {
    const state = await coordinator.run();
    const journalPath = coordinator.journalPath;
    return {
      state,
      events: readJournal(journalPath).events,
      journalPath,
      repo,
      loomHome: home.dir,
      cleanup: async () => {
        await repo.cleanup();
        await home.cleanup();
      },
    };
  } finally {
    await coordinator.dispose();
    await simulator.close();
  }
}

/** The options of a test run against the simulator: SPEC.md in the repo, `node` allowlisted, small limits. */
export function simulatedRunOptions(input: { repo: string; loomHome: string; simulatorUrl: string; model?: string }): RunOptions {
  return {
    repo: input.repo,
    specPath: join(input.repo, 'SPEC.md'),
    endpoint: { baseUrl: input.simulatorUrl, model: input.model ?? 'loom-sim-1', apiKey: 'sk-test-secret-value-123456', timeoutMs: 5_000, maxRetries: 2, headers: [] },
    concurrency: 3,
    loomHome: input.loomHome,
    bundle: BUNDLE,
    budgets: { ...DEFAULT_RUN_SETTINGS.budgets },
    maxTurns: 8,
    commandAllowlist: ['node'],
    lintCommand: null,
    flakeReruns: 1,
    commandTimeoutMs: 30_000,
    mcpServers: [],
  };
}

export async function waitFor(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * One task, `touchy`, whose agent runs `touch approved.txt` (off the `node` allowlist, so it needs
 * approval by default) and then reports done, or blocked (for a run where it is refused).
 */
export function touchScenario(after: 'done' | 'blocked' = 'done'): ScenarioInput {
  const plan = { tasks: [planTask('touchy', 'R1', ['src/**'], null)] };
  const last = after === 'done' ? report('touched', ['approved.txt']) : { name: 'report_result', arguments: { status: 'blocked', summary: 'touch was not approved', filesChanged: [], testsRun: [] } };
  return {
    name: `touch-${after}`,
    agents: [
      { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
      { match: { role: 'implementor', task: 'touchy' }, turns: [{ toolCalls: [{ name: 'run_command', arguments: { command: ['touch', 'approved.txt'] } }] }, { toolCalls: [last] }] },
      { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
    ],
  };
}

export const write = (path: string, content: string) => ({ name: 'write_file', arguments: { path, content } });
export const report = (summary: string, filesChanged: string[] = []) => ({
  name: 'report_result',
  arguments: { status: 'done', summary, filesChanged, testsRun: [] },
});
export const PASS_VERDICT = JSON.stringify({ verdict: 'pass', findings: [] });

/**
 * A plan task with a fail-to-pass check on one test file: already in the repository (`spec`), or written by a test author.
 * Its coverage quotes the criterion `specWith` writes for a requirement named like the task (`after-a` covers `after a works`),
 * so pair it with `specWith([..., 'after a'])` at the same position as `requirement`.
 */
export function planTask(id: string, requirement: string, scope: string[], testFile: string | null, dependsOn: string[] = [], testsBy: 'spec' | 'testAuthor' = 'spec') {
  const criterion = `${id.replace(/-/g, ' ')} works`;
  return {
    id,
    title: id,
    instructions: `do ${id}: ${criterion}`,
    requirementIds: [requirement],
    coverage: [{ requirementId: requirement, criterion, shownBy: testFile ?? 'the verifier' }],
    fileScope: scope,
    dependsOn,
    acceptance: testFile ? [{ kind: 'failToPass', command: ['node', '--test', testFile], testFiles: [testFile], testsBy }] : [],
  };
}

export function specWith(requirements: string[]): string {
  return `# Test spec\n\nA spec for a test.\n\n${requirements.map((r, i) => `## R${i + 1}: ${r}\n\n${r}.\n\nAcceptance:\n- ${r} works\n`).join('\n')}`;
}

export function eventsOf<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}
