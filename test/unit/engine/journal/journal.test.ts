import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JournalWriter } from '../../../../extension/engine/journal/journalWriter';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import { makeTempDir } from '../../../fixtures/gitRepo';

describe('engine/journal', () => {
  let dir: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => (dir = await makeTempDir('loom-journal-')));
  afterEach(async () => dir.cleanup());

  const start = {
    type: 'run/didStart' as const,
    runId: 'r1',
    repo: '/repo',
    baseCommit: 'abc',
    baseBranch: 'main',
    specPath: 'spec.md',
    specRevision: 'rev',
    model: 'm',
    concurrency: 2,
  };

  it('appends one JSON line per event with increasing sequence numbers, readable back', () => {
    const path = join(dir.dir, 'j.jsonl');
    const writer = new JournalWriter(path);
    writer.append(start);
    writer.append({ type: 'spec/didParse', requirements: [{ id: 'R1', title: 't' }] });
    writer.dispose();
    const { events, problems } = readJournal(path);
    assert.deepEqual(events.map((e) => e.seq), [0, 1]);
    assert.deepEqual(problems, []);
    assert.equal(readFileSync(path, 'utf8').split('\n').filter(Boolean).length, 2);
  });

  it('tolerates and reports a truncated last line (a crash mid-write)', () => {
    const path = join(dir.dir, 'j.jsonl');
    const writer = new JournalWriter(path);
    writer.append(start);
    writer.dispose();
    appendFileSync(path, '{"seq":1,"ts":5,"type":"spec/didPa');
    const { events, problems } = readJournal(path);
    assert.equal(events.length, 1);
    assert.deepEqual(problems, [{ line: 2, kind: 'torn', detail: 'a record cut off after 34 bytes (a crash mid-write)' }]);
  });

  it('reports corrupt lines with their line numbers instead of throwing', () => {
    const path = join(dir.dir, 'j.jsonl');
    appendFileSync(path, 'not json\n{"seq":1}\n');
    const { events, problems } = readJournal(path);
    assert.deepEqual(events, []);
    assert.deepEqual(
      problems.map((p) => [p.line, p.kind]),
      [
        [1, 'corrupt'],
        [2, 'corrupt'],
      ],
    );
    assert.match(problems[1].detail, /not a valid event/);
  });

  it('redacts known secrets before they reach the disk', () => {
    const path = join(dir.dir, 'j.jsonl');
    const writer = new JournalWriter(path, { secrets: ['sk-live-abcdefghijkl'] });
    writer.append({ type: 'agent/didWarn', agentId: 'a', kind: 'x', message: 'key sk-live-abcdefghijkl leaked' });
    writer.dispose();
    assert.doesNotMatch(readFileSync(path, 'utf8'), /sk-live/);
  });
});
