import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../protocol/events';
import { readJournal, type JournalProblem } from '../journal/journalReader';
import type { ScenarioInput } from '../simulator/scenarioSchema';
import { runGit } from '../workspace/git';
import { verdict, type Drill } from './drill';
import { crashRun } from './crashRun';
import { createDrillRepo, executeDrillRun } from './drillRun';
import { coordinator, drillSpec, eventsOf, PASS_VERDICT, planTask, reportDone, valueModule, valueSource, writeFile } from './drillScript';

interface CrashEvidence {
  /** The first process was SIGKILLed while the run was in flight (its journal has no run/didFinish). */
  killedMidRun: boolean;
  events: RunEvent[];
  problems: JournalProblem[];
  /** What the integration branch ended with: the stray commit's file, and the checkpoint's value. */
  strayMerged: boolean;
  checkpointMerged: boolean;
  resumeExitCode: number;
}

/** `slow` checkpoints once, then thinks for a long time: the moment the drill kills the process. */
function scenario(): ScenarioInput {
  return {
    name: 'drill-3-state-corruption',
    agents: [
      coordinator([planTask('quick', 'R1', ['src/quick.js'], 'test/quick.test.js'), planTask('slow', 'R2', ['src/slow.js', 'src/stray.js'], null)]),
      { match: { role: 'implementor', task: 'quick' }, turns: [{ toolCalls: [writeFile('src/quick.js', valueSource(2))] }, { toolCalls: [reportDone('quick is 2', ['src/quick.js'])] }] },
      // After the resume: the conversation continues from the checkpoint, and reports.
      { match: { role: 'implementor', task: 'slow', attempt: 2 }, turns: [{ toolCalls: [reportDone('slow is 3', ['src/slow.js'])] }] },
      {
        match: { role: 'implementor', task: 'slow' },
        turns: [{ toolCalls: [writeFile('src/slow.js', valueSource(3))] }, { latencyMs: 60_000, toolCalls: [reportDone('never answered: the process dies first', ['src/slow.js'])] }],
      },
      { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
    ],
  };
}

/**
 * Failure mode 3: the process running a run dies (SIGKILL) mid-run, leaving a torn journal line and
 * a task branch ahead of its last journaled checkpoint. `loom resume` folds the journal (keeping every
 * whole record, reporting the torn one), checks the lease against it (the unjournaled commit is
 * dropped) and completes the run without redoing finished work.
 */
export const stateCorruption: Drill<CrashEvidence> = {
  mode: 3,
  name: 'state corruption',
  expected: 'after a SIGKILL mid-run, a torn journal tail and an unjournaled commit on a lease, `loom resume` reports the torn line, resets the lease to its journaled checkpoint and completes, merging each task once',
  async exercise(ctx) {
    const repo = await createDrillRepo(ctx.dir, { ...valueModule('quick', 0, 2), 'src/slow.js': valueSource(0), 'SPEC.md': drillSpec(['quick', 'slow']) });
    const loomHome = join(ctx.dir, 'home');
    const scenarioPath = join(ctx.dir, 'scenario.json');
    writeFileSync(scenarioPath, JSON.stringify(scenario()));
    const crash = await crashRun(ctx.host.cliPath, ['run', '--spec', join(repo, 'SPEC.md'), '--repo', repo, '--simulate', scenarioPath, '--loom-home', loomHome, '--concurrency', '2', '--no'], {
      journalDir: join(loomHome, 'runs'),
      // Kill once quick is verified and slow has checkpointed and is waiting on its model.
      killWhen: (events) => events.some((e) => e.type === 'task/didSucceed' && e.taskId === 'quick') && events.some((e) => e.type === 'checkpoint/didCommit' && e.agentId === 'impl-slow-1'),
    });
    const runId = existsSync(join(loomHome, 'runs')) ? readdirSync(join(loomHome, 'runs'))[0] : undefined;
    if (!runId) throw new Error(`the run to kill never started: ${crash.output}`);
    const journal = join(loomHome, 'runs', runId, 'journal.jsonl');
    const before = readJournal(journal).events;
    const killedMidRun = crash.killed && !before.some((e) => e.type === 'run/didFinish');

    // What a crash leaves: a record cut off mid-write, and a commit the dead process never journaled.
    appendFileSync(journal, '{"seq":99999,"ts":1,"type":"task/didSucceed","taskId":"sl');
    const lease = eventsOf(before, 'lease/didCreate').find((l) => l.taskId === 'slow' && l.purpose === 'implement');
    if (lease) {
      writeFileSync(join(lease.path, 'src', 'stray.js'), 'module.exports = "written after the last checkpoint";\n');
      await runGit(lease.path, ['add', '-A']);
      await runGit(lease.path, ['-c', 'user.name=Loom Drill', '-c', 'user.email=drill@loom.invalid', 'commit', '-q', '--no-gpg-sign', '-m', 'unjournaled work']);
    }

    const resumed = await executeDrillRun(ctx.host, { repo, loomHome, scenario: scenario(), options: { runId, resume: true }, approvals: 'deny' });
    const tree = async (path: string) =>
      resumed.state.integrationCommit ? (await runGit(repo, ['cat-file', '-p', `${resumed.state.integrationCommit}:${path}`], { okExitCodes: [0, 128] })).stdout : '';
    return {
      killedMidRun,
      events: resumed.events,
      problems: resumed.problems,
      strayMerged: (await tree('src/stray.js')) !== '',
      checkpointMerged: (await tree('src/slow.js')) === valueSource(3),
      resumeExitCode: resumed.exitCode,
    };
  },
  judge({ killedMidRun, events, problems, strayMerged, checkpointMerged, resumeExitCode }) {
    const resume = eventsOf(events, 'run/didResume')[0];
    const merges = eventsOf(events, 'merge/didMerge').map((m) => m.taskId).sort();
    const quickAgents = eventsOf(events, 'agent/didStart').filter((a) => a.taskId === 'quick' && a.role === 'implementor');
    const torn = problems.filter((p) => p.kind === 'torn');
    const finish = eventsOf(events, 'run/didFinish').at(-1);
    return verdict(
      `${killedMidRun ? 'killed mid-run' : 'not killed mid-run'}; journal problems: ${problems.map((p) => `line ${p.line} ${p.kind}`).join(', ') || 'none'}; ${resume ? `resumed (${resume.tasks.join(', ')})` : 'never resumed'}, run ${finish?.status ?? 'unfinished'} (exit ${resumeExitCode}); merged ${merges.join(', ') || 'nothing'}; stray commit ${strayMerged ? 'MERGED' : 'dropped'}; checkpoint ${checkpointMerged ? 'kept' : 'lost'}`,
      {
        'the run was killed mid-flight': killedMidRun,
        'the torn record is reported, the rest of the journal read': torn.length === 1 && events.length > 0,
        'the resume continued only the unfinished task': !!resume && resume.tasks.join() === 'slow' && quickAgents.length === 1,
        'the run completed': finish?.status === 'succeeded' && resumeExitCode === 0,
        'each task merged exactly once': merges.join() === 'quick,slow',
        'the lease was reset to its journaled checkpoint (the unjournaled commit dropped)': !strayMerged && checkpointMerged,
      },
    );
  },
};
