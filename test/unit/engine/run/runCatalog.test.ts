import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JournalWriter } from '../../../../extension/engine/journal/journalWriter';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import { interruptedRuns, listRuns, runSummary, type CatalogCache } from '../../../../extension/engine/run/runCatalog';
import { ownerFile, RunOwnerLease } from '../../../../extension/engine/run/runOwner';
import { runPaths } from '../../../../extension/engine/run/runPaths';
import type { EventBody } from '../../../../extension/protocol/events';
import { makeTempDir } from '../../../fixtures/gitRepo';
import { ROOT } from './runHarness';

/** A real escalated run (esc-2, a conflict, left open; esc-1, an approval, answered). */
const RECORDED = readJournal(join(ROOT, 'test', 'fixtures', 'recordedRun.jsonl')).events.map(({ seq: _s, ts: _t, ...body }) => body as EventBody);
const REPO = '/home/dev/src/textkit';

/** Writes `bodies` as run `runId` under `home` with the journal writer runs use. */
function writeRun(home: string, runId: string, bodies: EventBody[]): string {
  const paths = runPaths(home, runId);
  const writer = new JournalWriter(paths.journal, { fsync: false });
  for (const body of bodies) writer.append(body.type === 'run/didStart' ? { ...body, runId } : body);
  writer.dispose();
  return paths.runDir;
}

const withoutEnd = RECORDED.filter((e) => e.type !== 'run/didFinish');

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('run catalogue: the runs under LOOM_HOME, folded from their journals', () => {
  let home: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => (home = await makeTempDir('loom-catalog-')));
  afterEach(async () => home.cleanup());

  it('a finished run: its repository, status, start, tasks and the escalation still open', () => {
    writeRun(home.dir, 'run-a', RECORDED);
    const run = runSummary(home.dir, 'run-a');
    assert.ok(run);
    assert.equal(run.runId, 'run-a');
    assert.equal(run.repo, REPO);
    assert.equal(run.status, 'escalated');
    assert.equal(run.startedAt, readJournal(runPaths(home.dir, 'run-a').journal).events[0].ts);
    assert.ok(run.endedAt && run.endedAt >= run.startedAt!);
    assert.deepEqual(
      run.openEscalations.map((e) => [e.escalationId, e.kind]),
      [['esc-2', 'conflict']],
      'the answered approval esc-1 is not open',
    );
    assert.ok(run.tasks > 0 && run.tasksDone < run.tasks, `${run.tasksDone}/${run.tasks}`);
    assert.equal(run.journalProblems, 0);
  });

  it('an answer appended after the end closes the escalation (the later event wins)', () => {
    writeRun(home.dir, 'run-a', [...RECORDED, { type: 'escalation/didResolve', escalationId: 'esc-2', choice: 'manual', by: 'cli' }]);
    assert.deepEqual(runSummary(home.dir, 'run-a')?.openEscalations, []);
  });

  it('a run without an end whose owner process died is interrupted; with no owner file too', () => {
    const dir = writeRun(home.dir, 'run-dead', withoutEnd);
    writeFileSync(ownerFile(dir), JSON.stringify({ pid: deadPid(), startedAt: Date.now(), heartbeatAt: Date.now() }));
    writeRun(home.dir, 'run-orphan', withoutEnd);
    assert.equal(runSummary(home.dir, 'run-dead')?.status, 'interrupted');
    assert.equal(runSummary(home.dir, 'run-orphan')?.status, 'interrupted');
  });

  it('a run owned by a live process with a fresh heartbeat is running; a stale heartbeat means interrupted', () => {
    const dir = writeRun(home.dir, 'run-live', withoutEnd);
    const owner = new RunOwnerLease(dir);
    try {
      assert.equal(runSummary(home.dir, 'run-live')?.status, 'running');
      assert.equal(runSummary(home.dir, 'run-live', Date.now() + 60_000)?.status, 'interrupted');
    } finally {
      owner.dispose();
    }
  });

  it('lists runs newest first, skipping folders with no journal or a journal that never started a run', () => {
    writeRun(home.dir, 'run-old', RECORDED);
    // Started later: the writer stamps the current time, so write it after a pause.
    const start = Date.now();
    while (Date.now() === start) {
      /* the next millisecond */
    }
    writeRun(home.dir, 'run-new', withoutEnd);
    mkdirSync(join(home.dir, 'runs', 'no-journal', 'worktrees'), { recursive: true });
    writeRun(home.dir, 'never-started', [{ type: 'spec/didParse', requirements: [] }]);
    assert.deepEqual(
      listRuns(home.dir).map((r) => [r.runId, r.status]),
      [
        ['run-new', 'interrupted'],
        ['run-old', 'escalated'],
      ],
    );
  });

  it('an empty or missing LOOM_HOME has no runs', () => {
    assert.deepEqual(listRuns(join(home.dir, 'nowhere')), []);
    assert.deepEqual(listRuns(home.dir), []);
  });

  it('a torn last line is counted, and the whole records before it still fold', () => {
    writeRun(home.dir, 'run-torn', withoutEnd);
    appendFileSync(runPaths(home.dir, 'run-torn').journal, '{"seq":999,"ts":1,"type":"run/didFin');
    const run = runSummary(home.dir, 'run-torn');
    assert.equal(run?.status, 'interrupted');
    assert.equal(run?.journalProblems, 1);
  });

  it('with a cache, a journal is folded again only when it changed, and liveness is always fresh', () => {
    const dir = writeRun(home.dir, 'run-c', withoutEnd);
    const cache: CatalogCache = new Map();
    const owner = new RunOwnerLease(dir);
    try {
      assert.equal(listRuns(home.dir, Date.now(), cache)[0].status, 'running');
      const first = cache.get(runPaths(home.dir, 'run-c').journal);
      assert.ok(first);
      assert.equal(listRuns(home.dir, Date.now(), cache)[0].status, 'running');
      assert.equal(cache.get(runPaths(home.dir, 'run-c').journal), first, 'unchanged journal: the fold is reused');
    } finally {
      owner.dispose();
    }
    assert.equal(listRuns(home.dir, Date.now(), cache)[0].status, 'interrupted', 'the owner went: interrupted at once');
    const writer = new JournalWriter(runPaths(home.dir, 'run-c').journal, { fsync: false });
    writer.append({ type: 'run/didFinish', status: 'stopped', integrationBranch: null, integrationCommit: null });
    writer.dispose();
    assert.equal(listRuns(home.dir, Date.now(), cache)[0].status, 'stopped', 'an appended event is seen');
  });

  it('interruptedRuns: only the interrupted runs of the given repository', () => {
    writeRun(home.dir, 'run-a', RECORDED);
    writeRun(home.dir, 'run-b', withoutEnd);
    writeRun(
      home.dir,
      'run-c',
      withoutEnd.map((e) => (e.type === 'run/didStart' ? { ...e, repo: '/elsewhere' } : e)),
    );
    assert.deepEqual(
      interruptedRuns(listRuns(home.dir), REPO).map((r) => r.runId),
      ['run-b'],
    );
  });
});
