import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import { repeatedEffects, unfinishedEffects } from '../../../../extension/protocol/effects';
import { runPaths } from '../../../../extension/engine/run/runPaths';
import { git, makeRepo, makeTempDir } from '../../../fixtures/gitRepo';
import { loom } from '../../cli/loomCli';
import { requireBuild } from './runHarness';
import { crashRepoFiles, journalLines, runIdOf, runIdUnder, runUntil, scenario, seeded, survivors } from './crashRun';

/**
 * How many seeded moments to kill the run at (the drill is 50: LOOM_CRASH_MOMENTS=50). A moment
 * is a point in the run's own progress (its Nth journal line), not a time: a loaded machine stretches
 * runs, and a kill after a run ended would test nothing.
 */
const MOMENTS = Number(process.env.LOOM_CRASH_MOMENTS ?? 6);

describe(`crash and resume: SIGKILL at ${MOMENTS} seeded moments, then loom resume (real CLI, threads, sandbox, simulator)`, function () {
  // Each moment is a killed run, its resume and a clean: on a loaded 2-core machine up to two minutes.
  this.timeout(120_000 + MOMENTS * 120_000);

  it('completes every interrupted run to the same integration tree as an uninterrupted run, merging each task once', async () => {
    requireBuild();
    const work = await makeTempDir('loom-crash-');
    try {
      const scenarioPath = join(work.dir, 'scenario.json');
      writeFileSync(scenarioPath, JSON.stringify(scenario()));
      const common = (repo: string, home: string) => ['--spec', join(repo, 'SPEC.md'), '--repo', repo, '--simulate', scenarioPath, '--loom-home', home, '--concurrency', '3'];

      // The reference: the same run, never interrupted.
      const refRepo = await makeRepo(crashRepoFiles());
      const refHome = join(work.dir, 'ref-home');
      const started = Date.now();
      const ref = await runUntil(['run', ...common(refRepo.dir, refHome)], null);
      const fullMs = Date.now() - started;
      assert.equal(ref.code, 0, ref.stdout);
      const refRun = runIdOf(ref.stdout)!;
      // Moments fall before the run's end is journaled (its last events are the report's and the clean-up's).
      const refEvents = readJournal(runPaths(refHome, refRun).journal).events;
      const refLines = refEvents.findIndex((e) => e.type === 'run/didFinish');
      const refTree = await git(refRepo.dir, 'rev-parse', `loom/${refRun}/integration^{tree}`);

      const random = seeded(20261205);
      const outcomes: string[] = [];
      for (let i = 0; i < MOMENTS; i++) {
        const repo = await makeRepo(crashRepoFiles());
        const home = join(work.dir, `home-${i}`);
        const killAt = 1 + Math.floor(random() * (refLines - 1));
        const first = await runUntil(['run', ...common(repo.dir, home)], { killWhen: () => journalLines(home) >= killAt });
        const runId = runIdOf(first.stdout) ?? runIdUnder(home);
        const ended = runId !== undefined && readJournal(runPaths(home, runId).journal).events.some((e) => e.type === 'run/didFinish');
        if (!first.killed || !runId || ended) {
          // It finished (or had not started a run) before the kill: nothing to resume at this moment.
          outcomes.push(`event ${killAt}: ${!runId ? 'killed before the run started' : 'finished first'}`);
          console.log(`      ${i + 1}/${MOMENTS} ${outcomes[outcomes.length - 1]}`);
          await repo.cleanup();
          continue;
        }
        // Nothing the dead run started outlives it for long: tool servers, sandboxes, test commands.
        const orphans = await survivors(home, 5_000);
        assert.deepEqual(orphans, [], `event ${killAt}: processes of the killed run still alive`);
        const status = await loom(['status', runId, '--loom-home', home]);
        assert.match(status.stdout, /interrupted/, `event ${killAt}: a killed run is shown as interrupted\n${status.stdout}`);

        const resumed = await loom(['resume', runId, '--simulate', scenarioPath, '--loom-home', home]);
        assert.equal(resumed.code, 0, `event ${killAt}: resume should finish the run\n${resumed.stdout}\n${resumed.stderr}`);
        const events = readJournal(runPaths(home, runId).journal).events;
        const merges = events.filter((e) => e.type === 'merge/didMerge').map((e) => (e as { taskId: string }).taskId).sort();
        assert.deepEqual(merges, ['alpha', 'beta', 'gamma', 'omega'], `event ${killAt}: each task merged exactly once`);
        const succeeded = events.filter((e) => e.type === 'task/didSucceed').map((e) => (e as { taskId: string }).taskId).sort();
        assert.deepEqual(succeeded, ['alpha', 'beta', 'gamma', 'omega'], `event ${killAt}: each task verified exactly once`);
        assert.equal(await git(repo.dir, 'rev-parse', `loom/${runId}/integration^{tree}`), refTree, `event ${killAt}: the same result as an uninterrupted run`);
        // Effects exactly once: no lease, checkpoint, merge or tool call completed twice, and every intent the crash cut off is settled by the resume.
        assert.deepEqual(repeatedEffects(events), [], `event ${killAt}: an effect happened twice`);
        const settled = new Set(events.flatMap((e) => (e.type === 'run/didResume' ? e.effects.map((x) => x.key) : [])));
        const unsettled = unfinishedEffects(events).filter((e) => !settled.has(e.key));
        assert.deepEqual(unsettled, [], `event ${killAt}: an effect left half done and not settled`);

        const cleaned = await loom(['clean', runId, '--repo', repo.dir, '--loom-home', home]);
        assert.equal(cleaned.code, 0, cleaned.stderr);
        assert.equal((await git(repo.dir, 'worktree', 'list', '--porcelain')).split('\n').filter((l) => l.startsWith('worktree ')).length, 1, `event ${killAt}: no stray worktree`);
        outcomes.push(`event ${killAt}: resumed (${events.filter((e) => e.type === 'run/didResume').length} resume, ${settled.size} effect(s) settled)`);
        console.log(`      ${i + 1}/${MOMENTS} ${outcomes[outcomes.length - 1]}`);
        await repo.cleanup();
      }
      console.log(`      ${outcomes.filter((o) => o.includes('resumed')).length} of ${MOMENTS} moments killed a live run, and each resumed to the uninterrupted run's tree (the uninterrupted run: ${refEvents.length} events in ${fullMs} ms)`);
      assert.ok(outcomes.filter((o) => o.includes('resumed')).length >= Math.ceil(MOMENTS / 2), 'most moments interrupt a live run');
      await refRepo.cleanup();
    } finally {
      await work.cleanup();
    }
  });
});
