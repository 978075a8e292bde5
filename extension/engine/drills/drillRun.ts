import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldEvents } from '../../protocol/reduce';
import { readJournal } from '../journal/journalReader';
import { DEFAULT_RUN_SETTINGS, type RunOptions } from '../run/runOptions';
import { newRunId, runPaths } from '../run/runPaths';
import { startSimulator } from '../simulator/simulatorServer';
import { runGit } from '../workspace/git';
import type { DrillHost, DrillRun, DrillRunInput } from './drill';
import { drillSpec } from './drillScript';

/** The simulator's key: any non-empty string; the simulator checks none. */
const SIMULATOR_KEY = 'sk-loom-drill';

/**
 * One run of a drill, as `loom run --simulate` does it: a fresh git repository in `dir`, the model
 * simulator (recording request bodies, so a drill can see what reached the model), and the host's
 * `loom run`. The simulator is the only fake.
 */
export async function runDrillScenario(dir: string, host: DrillHost, input: DrillRunInput): Promise<DrillRun> {
  const repo = await createDrillRepo(dir, { ...input.files, 'SPEC.md': drillSpec(input.requirements) });
  return executeDrillRun(host, { repo, loomHome: join(dir, 'home'), scenario: input.scenario, options: input.options, approvals: input.approvals, answers: input.answers });
}

/** A run (or, with `options.resume`, a resume) on an existing repository, against its own simulator. */
export async function executeDrillRun(host: DrillHost, input: DrillExecution): Promise<DrillRun> {
  const { repo, loomHome } = input;
  const simulator = await startSimulator({ scenario: input.scenario, recordBodies: true });
  const runId = input.options?.runId ?? newRunId();
  // Nothing waits on a person for long: what a drill does not answer itself is stopped, as a person would.
  const answering = answerFromAnotherShell(host, runId, loomHome, { ...UNANSWERED, ...input.answers });
  try {
    const options: RunOptions = { ...drillRunOptions({ repo, loomHome, simulatorUrl: simulator.url, bundle: host.bundle }), runId, ...input.options };
    const executed = await host.execute(options, input.approvals ?? 'deny');
    const { events, problems } = readJournal(executed.journalPath);
    const start = events.find((e) => e.type === 'run/didStart');
    return {
      runId: start?.type === 'run/didStart' ? start.runId : '',
      repo,
      loomHome,
      journalPath: executed.journalPath,
      exitCode: executed.exitCode,
      events,
      problems,
      state: foldEvents(events),
      requests: [...simulator.requests],
    };
  } finally {
    await answering.stop();
    await simulator.close();
  }
}

/** The choice for the escalations that wait on a person (other than approvals, which `approvals` answers) when a drill names none. */
const UNANSWERED: NonNullable<DrillRunInput['answers']> = { budget: 'stop', circuitBreaker: 'stop' };

/** Watches the run's journal and answers each escalation of a kind in `answers` with `loom resolve`, as a person in another shell would. */
function answerFromAnotherShell(host: DrillHost, runId: string, loomHome: string, answers: NonNullable<DrillRunInput['answers']>) {
  const journal = runPaths(loomHome, runId).journal;
  const answered = new Set<string>();
  let busy: Promise<unknown> = Promise.resolve();
  let pending = false;
  const timer = setInterval(() => {
    if (pending || !existsSync(journal)) return;
    const open = readJournal(journal).events.filter((e) => e.type === 'escalation/didOpen' && !!answers[e.kind] && !answered.has(e.escalationId));
    const next = open[0];
    if (next?.type !== 'escalation/didOpen') return;
    answered.add(next.escalationId);
    pending = true;
    busy = host
      .resolve(runId, loomHome, next.escalationId, answers[next.kind]!)
      .catch(() => undefined)
      .finally(() => (pending = false));
  }, 250);
  return {
    stop: async () => {
      clearInterval(timer);
      await busy;
    },
  };
}

export interface DrillExecution extends Pick<DrillRunInput, 'scenario' | 'options' | 'approvals' | 'answers'> {
  repo: string;
  loomHome: string;
}

/** What a drill's runs share: the simulator's endpoint, `node` allowlisted, small limits so a drill takes seconds. */
export function drillRunOptions(input: { repo: string; loomHome: string; simulatorUrl: string; bundle: RunOptions['bundle'] }): RunOptions {
  return {
    repo: input.repo,
    specPath: join(input.repo, 'SPEC.md'),
    endpoint: { baseUrl: input.simulatorUrl, model: 'loom-sim-1', apiKey: SIMULATOR_KEY, timeoutMs: 10_000, maxRetries: 2, headers: [] },
    concurrency: 2,
    loomHome: input.loomHome,
    bundle: input.bundle,
    budgets: { ...DEFAULT_RUN_SETTINGS.budgets },
    maxTurns: 12,
    commandAllowlist: ['node'],
    lintCommand: null,
    flakeReruns: 0,
    commandTimeoutMs: 30_000,
    mcpServers: [],
  };
}

let repos = 0;

/** A git repository with `files` committed on `main`, in a new folder under `dir`. */
export async function createDrillRepo(dir: string, files: Record<string, string>): Promise<string> {
  const repo = join(dir, `repo-${++repos}`);
  for (const [path, content] of Object.entries(files)) {
    const target = join(repo, ...path.split('/'));
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, content);
  }
  mkdirSync(repo, { recursive: true });
  const git = (...args: string[]) => runGit(repo, args);
  await git('init', '-q', '--initial-branch=main');
  await git('config', 'user.name', 'Loom Drill');
  await git('config', 'user.email', 'drill@loom.invalid');
  await git('add', '.');
  await git('commit', '-q', '--no-gpg-sign', '-m', 'drill: the repository before the run');
  return repo;
}
