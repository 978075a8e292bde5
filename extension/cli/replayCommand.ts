import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import type { RunEvent } from '../protocol/events';
import type { CoverageRule } from '../protocol/plan';
import { foldEvents } from '../protocol/reduce';
import { readJournal } from '../engine/journal/journalReader';
import { formatReport } from '../engine/run/report';
import { compareReplay } from '../engine/run/replayComparison';
import { forkRun, ForkError } from '../engine/run/forkRun';
import { loomHome, runPaths } from '../engine/run/runPaths';
import { scenarioFromJournal } from '../engine/simulator/scenarioFromJournal';
import { checkFlags, executeWithFlags, RUN_FLAGS } from './runCommand';
import { checkRunTarget } from '../engine/run/runTarget';
import { RECORDED_NAMES } from './runTargetNames';
import { EXIT, UsageError } from './usageError';

/**
 * `loom replay RUN`: re-executes a recorded run from its journaled model responses (no model
 * calls) on the same repository, base commit and spec, then says whether every agent did exactly
 * what it did the first time. `--until N` is time travel instead: the run's report folded to event N;
 * `--fork-at N` continues the run from event N with a live model, into a new run.
 */
export async function replayCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...RUN_FLAGS, until: { type: 'string' }, 'fork-at': { type: 'string' } }, allowPositionals: true, strict: true });
  checkFlags(values);
  const runId = positionals[0];
  if (!runId) throw new UsageError('needs a run id (loom runs lists them)');
  const home = values['loom-home'] ? resolve(values['loom-home']) : loomHome();
  const paths = runPaths(home, runId);
  if (!existsSync(paths.journal)) throw new UsageError(`no journal for run ${runId} at ${paths.journal} (set --loom-home or LOOM_HOME to where the run was kept)`);
  const recorded = readJournal(paths.journal).events;
  if (recorded.length === 0) throw new UsageError(`the journal of run ${runId} has no whole record (loom status ${runId} says why): nothing to replay`);

  if (values.until !== undefined) {
    const until = Number(values.until);
    if (!Number.isInteger(until) || until < 0) throw new UsageError(`--until takes an event number (0 or more), not "${values.until}"`);
    print(`Run ${runId} as it stood at event ${until} of ${recorded.length - 1}:`);
    print(formatReport(foldEvents(recorded.filter((e) => e.seq <= until))));
    return EXIT.ok;
  }
  if (values['fork-at'] !== undefined) {
    const at = Number(values['fork-at']);
    if (!Number.isInteger(at) || at < 0 || at >= recorded.length) throw new UsageError(`--fork-at takes an event number from 0 to ${recorded.length - 1}, not "${values['fork-at']}"`);
    const start = recorded.find((e) => e.type === 'run/didStart');
    if (!start || start.type !== 'run/didStart') throw new UsageError(`run ${runId} never started (its journal has no run/didStart): nothing to fork`);
    // Before the fork's folder exists: a recorded repository or spec that is gone leaves nothing behind.
    await checkRunTarget(start, RECORDED_NAMES);
    const forkId = `${runId}-fork-${Date.now().toString(36).slice(-5)}`;
    try {
      await forkRun(home, recorded, at, forkId);
    } catch (err) {
      if (err instanceof ForkError) throw new UsageError(`cannot fork run ${runId} at event ${at}: ${err.message}`);
      throw err;
    }
    print(`Forked run ${runId} at event ${at} into ${forkId}; it continues from there with the model the flags name (${runId} is unchanged).`);
    return executeWithFlags({ ...values, 'loom-home': home }, { repo: start.repo, specPath: start.specPath, runId: forkId, resume: true }, print);
  }
  if (values.simulate || values['base-url'] || values.model) throw new UsageError('loom replay answers every agent from the journal: it takes no --simulate, --base-url or --model');

  const start = recorded.find((e) => e.type === 'run/didStart');
  if (!start || start.type !== 'run/didStart') throw new UsageError(`run ${runId} never started (its journal has no run/didStart): nothing to replay`);
  await checkRunTarget(start, RECORDED_NAMES);
  const scenarioPath = join(paths.runDir, 'replay-scenario.json');
  writeFileSync(scenarioPath, `${JSON.stringify(scenarioFromJournal(recorded, `replay of ${runId}`), null, 2)}\n`);
  const replayId = `${runId}-replay-${Date.now().toString(36).slice(-5)}`;
  print(`Replaying run ${runId} as ${replayId} from ${recorded.filter((e) => e.type === 'model/didRespond').length} recorded model responses (no model calls).`);
  // The recorded run's own settings (policy, allowlist, reruns, timeout), so every decision can come out the same.
  const recordedSettings: Partial<typeof values> = {};
  if (start.settings) {
    const policyPath = join(paths.runDir, 'replay-policy.json');
    writeFileSync(policyPath, JSON.stringify(start.settings.policy));
    Object.assign(recordedSettings, {
      policy: policyPath,
      allow: start.settings.commandAllowlist,
      'flake-reruns': String(start.settings.flakeReruns),
      'command-timeout': String(Math.ceil(start.settings.commandTimeoutMs / 1000)),
      concurrency: String(start.concurrency),
    });
  }
  const code = await executeWithFlags(
    { ...values, ...recordedSettings, simulate: scenarioPath, 'loom-home': home },
    { repo: start.repo, specPath: start.specPath, baseCommit: start.baseCommit, runId: replayId, planCoverage: recordedPlanCoverage(recorded) },
    print,
  );
  const comparison = compareReplay(recorded, readJournal(runPaths(home, replayId).journal).events);
  print('');
  if (comparison.identical) {
    print(`Replay identical: ${comparison.agents} agents took the same ${comparison.steps} steps, and every task ended the same way.`);
    return code;
  }
  print(`Replay DIVERGED at ${comparison.difference}.`);
  return EXIT.taskFailures;
}

/** A journal whose accepted plan answers no coverage was recorded before plans had to: its replay holds the plan to the rules of its time. */
function recordedPlanCoverage(events: readonly RunEvent[]): CoverageRule {
  const accepted = events.find((e) => e.type === 'plan/didAccept');
  return accepted?.type === 'plan/didAccept' && accepted.plan.tasks.every((t) => (t.coverage ?? []).length === 0) ? 'ifAnswered' : 'required';
}
