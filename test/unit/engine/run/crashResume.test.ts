import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import { repeatedEffects, unfinishedEffects } from '../../../../extension/protocol/effects';
import { runPaths } from '../../../../extension/engine/run/runPaths';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { git, makeRepo, makeTempDir } from '../../../fixtures/gitRepo';
import { CLI, loom } from '../../cli/loomCli';
import { PASS_VERDICT, planTask, report, requireBuild, specWith, write } from './runHarness';

/** How many seeded moments to kill the run at (the issue's drill is 50: LOOM_CRASH_MOMENTS=50). */
const MOMENTS = Number(process.env.LOOM_CRASH_MOMENTS ?? 6);

const valueTest = (name: string, expected: number) =>
  `const test = require('node:test');\nconst assert = require('node:assert/strict');\ntest('${name}', () => assert.equal(require('../src/${name}.js').value, ${expected}));\n`;
const NAMES = ['alpha', 'beta', 'gamma'];
const FILES: Record<string, string> = Object.fromEntries(
  NAMES.flatMap((n, i) => [
    [`src/${n}.js`, 'module.exports = { value: 0 };\n'],
    [`test/${n}.test.js`, valueTest(n, i + 1)],
  ]),
);

/** Three tasks and a dependent, each a few turns with latency: a run of several seconds with many moments to die in. */
function scenario(): ScenarioInput {
  const plan = {
    tasks: [...NAMES.map((n, i) => planTask(n, `R${i + 1}`, [`src/${n}.js`], `test/${n}.test.js`)), planTask('omega', 'R4', ['src/omega.js'], null, ['alpha'])],
  };
  const implementor = (n: string, value: number) => ({
    match: { role: 'implementor', task: n },
    turns: [
      { latencyMs: 250, toolCalls: [{ name: 'read_file', arguments: { path: `src/${n}.js` } }] },
      { latencyMs: 250, toolCalls: [write(`src/${n}.js`, `module.exports = { value: ${value} };\n`)] },
      { latencyMs: 250, toolCalls: [report(`${n} is ${value}`, [`src/${n}.js`])] },
    ],
  });
  return {
    name: 'crash',
    agents: [
      { match: { role: 'coordinator' }, turns: [{ latencyMs: 200, content: JSON.stringify(plan) }] },
      ...NAMES.map((n, i) => implementor(n, i + 1)),
      implementor('omega', 9),
      { match: { role: 'verifier' }, turns: [{ latencyMs: 100, content: PASS_VERDICT }] },
    ],
  };
}

/** A deterministic generator, so a failing moment can be replayed. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** `loom run` in a child process, SIGKILLed after `killAfterMs` (or left to finish when null). */
function runUntil(args: string[], killAfterMs: number | null): Promise<{ code: number | null; stdout: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, killed: signal === 'SIGKILL' });
    });
  });
}

/** Processes whose command line names `marker` (the run's LOOM_HOME), after waiting up to `withinMs` for them to end. */
async function survivors(marker: string, withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const list = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(marker) && !line.includes(' ps -eo'));
    if (list.length === 0 || Date.now() > deadline) return list.map((l) => l.trim());
    await new Promise((r) => setTimeout(r, 200));
  }
}

const runIdOf = (stdout: string) => /run (\d{8}-\d{6}-[a-z0-9]{4})/.exec(stdout)?.[1];

describe(`crash and resume: SIGKILL at ${MOMENTS} seeded moments, then loom resume (real CLI, threads, sandbox, simulator)`, function () {
  this.timeout(60_000 + MOMENTS * 60_000);

  it('completes every interrupted run to the same integration tree as an uninterrupted run, merging each task once', async () => {
    requireBuild();
    const work = await makeTempDir('loom-crash-');
    try {
      const scenarioPath = join(work.dir, 'scenario.json');
      writeFileSync(scenarioPath, JSON.stringify(scenario()));
      const common = (repo: string, home: string) => ['--spec', join(repo, 'SPEC.md'), '--repo', repo, '--simulate', scenarioPath, '--loom-home', home, '--concurrency', '3'];

      // The reference: the same run, never interrupted.
      const refRepo = await makeRepo({ ...FILES, 'SPEC.md': specWith(['alpha', 'beta', 'gamma', 'omega']) });
      const refHome = join(work.dir, 'ref-home');
      const started = Date.now();
      const ref = await runUntil(['run', ...common(refRepo.dir, refHome)], null);
      const fullMs = Date.now() - started;
      assert.equal(ref.code, 0, ref.stdout);
      const refRun = runIdOf(ref.stdout)!;
      const refTree = await git(refRepo.dir, 'rev-parse', `loom/${refRun}/integration^{tree}`);

      const random = seeded(20261205);
      const outcomes: string[] = [];
      for (let i = 0; i < MOMENTS; i++) {
        const repo = await makeRepo({ ...FILES, 'SPEC.md': specWith(['alpha', 'beta', 'gamma', 'omega']) });
        const home = join(work.dir, `home-${i}`);
        const killAt = Math.round(300 + random() * (fullMs - 400));
        const first = await runUntil(['run', ...common(repo.dir, home)], killAt);
        const runId = runIdOf(first.stdout);
        if (!first.killed || !runId) {
          // It finished (or had not started a run) before the kill: nothing to resume at this moment.
          outcomes.push(`${killAt} ms: ${first.killed ? 'killed before the run started' : 'finished first'}`);
          await repo.cleanup();
          continue;
        }
        // Nothing the dead run started outlives it for long: tool servers, sandboxes, test commands.
        const orphans = await survivors(home, 5_000);
        assert.deepEqual(orphans, [], `${killAt} ms: processes of the killed run still alive`);
        const status = await loom(['status', runId, '--loom-home', home]);
        assert.match(status.stdout, /interrupted/, `${killAt} ms: a killed run is shown as interrupted\n${status.stdout}`);

        const resumed = await loom(['resume', runId, '--simulate', scenarioPath, '--loom-home', home]);
        assert.equal(resumed.code, 0, `${killAt} ms: resume should finish the run\n${resumed.stdout}\n${resumed.stderr}`);
        const events = readJournal(runPaths(home, runId).journal).events;
        const merges = events.filter((e) => e.type === 'merge/didMerge').map((e) => (e as { taskId: string }).taskId).sort();
        assert.deepEqual(merges, ['alpha', 'beta', 'gamma', 'omega'], `${killAt} ms: each task merged exactly once`);
        const succeeded = events.filter((e) => e.type === 'task/didSucceed').map((e) => (e as { taskId: string }).taskId).sort();
        assert.deepEqual(succeeded, ['alpha', 'beta', 'gamma', 'omega'], `${killAt} ms: each task verified exactly once`);
        assert.equal(await git(repo.dir, 'rev-parse', `loom/${runId}/integration^{tree}`), refTree, `${killAt} ms: the same result as an uninterrupted run`);
        // Effects exactly once: no lease, checkpoint, merge or tool call completed twice, and every intent the crash cut off is settled by the resume.
        assert.deepEqual(repeatedEffects(events), [], `${killAt} ms: an effect happened twice`);
        const settled = new Set(events.flatMap((e) => (e.type === 'run/didResume' ? e.effects.map((x) => x.key) : [])));
        const unsettled = unfinishedEffects(events).filter((e) => !settled.has(e.key));
        assert.deepEqual(unsettled, [], `${killAt} ms: an effect left half done and not settled`);

        const cleaned = await loom(['clean', runId, '--repo', repo.dir, '--loom-home', home]);
        assert.equal(cleaned.code, 0, cleaned.stderr);
        assert.equal((await git(repo.dir, 'worktree', 'list', '--porcelain')).split('\n').filter((l) => l.startsWith('worktree ')).length, 1, `${killAt} ms: no stray worktree`);
        outcomes.push(`${killAt} ms: resumed (${events.filter((e) => e.type === 'run/didResume').length} resume, ${settled.size} effect(s) settled)`);
        await repo.cleanup();
      }
      console.log(`      crash moments (full run ${fullMs} ms):\n${outcomes.map((o) => `        ${o}`).join('\n')}`);
      assert.ok(outcomes.filter((o) => o.includes('resumed')).length >= Math.ceil(MOMENTS / 2), 'most moments interrupt a live run');
      await refRepo.cleanup();
    } finally {
      await work.cleanup();
    }
  });
});
