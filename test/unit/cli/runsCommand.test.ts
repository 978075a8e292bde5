import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JournalWriter } from '../../../extension/engine/journal/journalWriter';
import { ownerFile } from '../../../extension/engine/run/runOwner';
import { runPaths } from '../../../extension/engine/run/runPaths';
import type { EventBody } from '../../../extension/protocol/events';
import { makeTempDir } from '../../fixtures/gitRepo';
import { requireBuild } from '../engine/run/runHarness';
import { loom } from './loomCli';

const MINUTE = 60_000;

/** A run's journal as the coordinator writes it, started `minutesAgo`; `finished` adds its end. */
function writeRun(home: string, runId: string, repo: string, minutesAgo: number, finished: 'succeeded' | 'failed' | null): string {
  const paths = runPaths(home, runId);
  const writer = new JournalWriter(paths.journal, { now: () => Date.now() - minutesAgo * MINUTE, fsync: false });
  const start: EventBody = { type: 'run/didStart', runId, repo, baseCommit: 'a'.repeat(40), baseBranch: 'main', specPath: join(repo, 'SPEC.md'), specRevision: 'r1', model: 'sim', concurrency: 2 };
  writer.append(start);
  if (finished) writer.append({ type: 'run/didFinish', status: finished, integrationBranch: `loom/${runId}/integration`, integrationCommit: null });
  writer.dispose();
  return paths.runDir;
}

describe('loom runs (the built CLI)', function () {
  this.timeout(60_000);
  before(requireBuild);

  let home: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => (home = await makeTempDir('loom-runs-home-')));
  afterEach(async () => home.cleanup());

  it('lists succeeded, failed, running and interrupted runs and damaged journals, newest first, with repository and age', async () => {
    writeRun(home.dir, 'run-old-succeeded', '/repos/alpha', 3 * 24 * 60, 'succeeded');
    writeRun(home.dir, 'run-failed', '/repos/beta', 5 * 60, 'failed');
    // Interrupted: no end in the journal and its owner process is gone (a pid that cannot be alive).
    const interrupted = writeRun(home.dir, 'run-interrupted', '/repos/gamma', 3, null);
    writeFileSync(ownerFile(interrupted), JSON.stringify({ pid: 2 ** 22 + 1, startedAt: Date.now() - 3 * MINUTE, heartbeatAt: Date.now() - 3 * MINUTE }));
    // Still planning (running, no plan yet): its owner (this test process) is alive and its heartbeat fresh.
    const running = writeRun(home.dir, 'run-live', '/repos/delta', 1, null);
    writeFileSync(ownerFile(running), JSON.stringify({ pid: process.pid, startedAt: Date.now() - MINUTE, heartbeatAt: Date.now() }));
    mkdirSync(runPaths(home.dir, 'run-damaged').runDir, { recursive: true });
    writeFileSync(runPaths(home.dir, 'run-damaged').journal, '{"seq":0,"ts":1,"type":"run/didSt\nnot json at all\n');
    mkdirSync(runPaths(home.dir, 'run-empty').runDir, { recursive: true });
    writeFileSync(runPaths(home.dir, 'run-empty').journal, '');

    const { code, stdout, stderr } = await loom(['runs', '--loom-home', home.dir]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const rows = stdout.split('\n').filter((l) => l.startsWith('run-'));
    const row = (id: string) => rows.find((r) => r.startsWith(`${id} `)) ?? assert.fail(`no row for ${id}:\n${stdout}`);
    assert.match(row('run-old-succeeded'), /succeeded +3 days ago +\/repos\/alpha/);
    assert.match(row('run-failed'), /failed +5 h ago +\/repos\/beta/);
    assert.match(row('run-interrupted'), /interrupted +3 min ago +\/repos\/gamma +continue it: loom resume run-interrupted/);
    assert.match(row('run-live'), /planning +1 min ago +\/repos\/delta/);
    assert.match(row('run-damaged'), /unknown .*damaged journal: no readable run start/);
    assert.match(row('run-empty'), /unknown .*empty journal/);
    const order = ['run-live', 'run-interrupted', 'run-failed', 'run-old-succeeded'].map((id) => rows.findIndex((r) => r.startsWith(`${id} `)));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `newest first:\n${stdout}`);
    assert.match(stdout, /^RUN +STATUS +AGE +REPOSITORY/m);
    assert.match(stdout, /6 runs under .*; loom status RUN prints a run's report/);
  });

  it('a run with damaged lines after its start is listed with how many were skipped', async () => {
    const dir = writeRun(home.dir, 'run-torn', '/repos/eps', 10, null);
    writeFileSync(join(dir, 'journal.jsonl'), '{"seq":1,"ts":1,"type":"task/didSt', { flag: 'a' });
    const { code, stdout } = await loom(['runs', '--loom-home', home.dir]);
    assert.equal(code, 0);
    assert.match(stdout, /run-torn +interrupted +10 min ago +\/repos\/eps .*1 damaged journal line\(s\) skipped/);
  });

  it('an empty LOOM_HOME says so and how to start a run (LOOM_HOME from the environment)', async () => {
    const { code, stdout } = await loom(['runs'], { LOOM_HOME: home.dir });
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`No runs under ${home.dir}/runs\\.`));
    assert.match(stdout, /Start one with: loom demo \(no model needed\), or loom run --spec SPEC\.md --repo DIR/);
  });
});
