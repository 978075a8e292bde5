import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBody } from '../../../../extension/protocol/events';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { JournalWriter } from '../../../../extension/engine/journal/journalWriter';
import { crcOf, formatJournalProblems, readJournal, type JournalProblem } from '../../../../extension/engine/journal/journalReader';
import { makeTempDir } from '../../../fixtures/gitRepo';

const RECORDED_RUN = join(__dirname, '..', '..', '..', 'fixtures', 'recordedRun.jsonl');

/** An agent that made model calls of 100 input and 10 output tokens each: a duplicate would double them. */
const bodies: EventBody[] = [
  { type: 'agent/didStart', agentId: 'impl-1', taskId: 't1', role: 'implementor', threadId: 1, model: 'm', budgetTokens: 1000, attempt: 1 },
  ...[1, 2, 3].map(
    (turn): EventBody => ({
      type: 'model/didRespond',
      agentId: 'impl-1',
      taskId: 't1',
      model: 'm',
      turn,
      startedAt: 1,
      durationMs: 2,
      usage: { inputTokens: 100, outputTokens: 10 },
      finishReason: 'stop',
      content: `turn ${turn}`,
      toolCalls: [],
    }),
  ),
];
const next: EventBody = { type: 'agent/didWarn', agentId: 'impl-1', kind: 'note', message: 'appended after the damage' };

const linesOf = (path: string) => readFileSync(path, 'utf8').split('\n');
const kinds = (problems: JournalProblem[]) => problems.map((p) => [p.line, p.kind]);
const usageOf = (path: string) => foldEvents(readJournal(path).events).agents[0]?.usage;

describe('engine/journal/journalReader: damaged journals', () => {
  let dir: { dir: string; cleanup: () => Promise<void> };
  let path: string;
  beforeEach(async () => {
    dir = await makeTempDir('loom-journal-reader-');
    path = join(dir.dir, 'journal.jsonl');
  });
  afterEach(async () => dir.cleanup());

  function writeEvents(list: EventBody[]): void {
    const writer = new JournalWriter(path, { now: () => 1 });
    for (const body of list) writer.append(body);
    writer.dispose();
  }

  /** Appends `next` with a new writer, as `loom resolve` does, and reads the journal again. */
  function appendAndRead() {
    const writer = new JournalWriter(path, { now: () => 2 });
    const event = writer.append(next);
    writer.dispose();
    return { event, ...readJournal(path) };
  }

  it('writes each record with its sequence number and a checksum of the rest of the line', () => {
    writeEvents(bodies.slice(0, 1));
    const [line] = linesOf(path);
    const match = /^(\{"seq":0,"ts":1,.*),"crc":"([0-9a-f]{8})"\}$/.exec(line);
    assert.ok(match, line);
    assert.equal(match[2], crcOf(`${match[1]}}`));
  });

  it('reads the example line of docs/journal.md', () => {
    const example = /^\{"seq":7,.*\}$/m.exec(readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'journal.md'), 'utf8'))![0];
    writeFileSync(path, `${example}\n`);
    const read = readJournal(path);
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.events, [{ seq: 7, ts: 1718000000000, type: 'task/didStart', taskId: 't1', attempt: 1 }]);
  });

  it('a torn tail: the whole records are kept, the tail is reported; appending seals it and reuses its seq', () => {
    writeEvents(bodies);
    const whole = readFileSync(path, 'utf8');
    appendFileSync(path, '{"seq":4,"ts":1,"type":"model/didRespond","agentId":"im');
    const read = readJournal(path);
    assert.deepEqual(read.events.map((e) => e.seq), [0, 1, 2, 3]);
    assert.deepEqual(read.problems, [{ line: 5, kind: 'torn', detail: 'a record cut off after 55 bytes (a crash mid-write)' }]);

    const after = appendAndRead();
    assert.equal(after.event.seq, 4);
    assert.deepEqual(after.events.map((e) => e.seq), [0, 1, 2, 3, 4]);
    assert.equal(after.events[4].type, 'agent/didWarn');
    assert.deepEqual(after.problems, read.problems);
    // The fragment is sealed on its own line; the new record is whole on the next one.
    assert.ok(readFileSync(path, 'utf8').startsWith(whole));
    assert.equal(linesOf(path)[4], '{"seq":4,"ts":1,"type":"model/didRespond","agentId":"im');
    assert.match(linesOf(path)[5], /^\{"seq":4,"ts":2,"type":"agent\/didWarn",.*"crc":"[0-9a-f]{8}"\}$/);
  });

  it('a corrupt middle line (its checksum fails): reported with its line number; appending continues after the last record', () => {
    writeEvents(bodies);
    const lines = linesOf(path);
    lines[2] = lines[2].replace('turn 2', 'turn 9');
    writeFileSync(path, lines.join('\n'));
    const read = readJournal(path);
    assert.deepEqual(read.events.map((e) => e.seq), [0, 1, 3]);
    assert.deepEqual(kinds(read.problems), [[3, 'corrupt']]);
    assert.match(read.problems[0].detail, /^checksum mismatch \(line says [0-9a-f]{8}, content has [0-9a-f]{8}\)$/);

    const after = appendAndRead();
    assert.equal(after.event.seq, 4);
    assert.deepEqual(after.events.map((e) => e.seq), [0, 1, 3, 4]);
    assert.deepEqual(after.problems, read.problems);
  });

  it('a middle line that is not JSON at all is corrupt, not torn', () => {
    writeEvents(bodies);
    const lines = linesOf(path);
    lines[1] = 'garbage}';
    writeFileSync(path, lines.join('\n'));
    const read = readJournal(path);
    assert.deepEqual(kinds(read.problems), [[2, 'corrupt']]);
    assert.match(read.problems[0].detail, /^not JSON/);
    assert.equal(appendAndRead().event.seq, 4);
  });

  it('a duplicated line is skipped and reported, never counted twice; appending continues the sequence', () => {
    writeEvents(bodies);
    const lines = linesOf(path);
    lines.splice(3, 0, lines[2]);
    writeFileSync(path, lines.join('\n'));
    const read = readJournal(path);
    assert.deepEqual(read.events.map((e) => e.seq), [0, 1, 2, 3]);
    assert.deepEqual(read.problems, [{ line: 4, kind: 'duplicate', detail: 'a copy of line 3 (seq 2)' }]);
    assert.deepEqual(usageOf(path), { inputTokens: 300, outputTokens: 30 });

    const after = appendAndRead();
    assert.equal(after.event.seq, 4);
    assert.deepEqual(after.events.map((e) => e.seq), [0, 1, 2, 3, 4]);
    assert.deepEqual(after.problems, read.problems);
    assert.deepEqual(usageOf(path), { inputTokens: 300, outputTokens: 30 });
  });

  it('the same seq with other content is corrupt, and the first record stays', () => {
    writeEvents(bodies);
    const lines = linesOf(path);
    const writer = new JournalWriter(join(dir.dir, 'other.jsonl'), { nextSeq: 2, now: () => 1 });
    writer.append(next);
    writer.dispose();
    lines.splice(3, 0, linesOf(join(dir.dir, 'other.jsonl'))[0]);
    writeFileSync(path, lines.join('\n'));
    const read = readJournal(path);
    assert.deepEqual(read.events.map((e) => e.type), ['agent/didStart', 'model/didRespond', 'model/didRespond', 'model/didRespond']);
    assert.deepEqual(read.problems, [{ line: 4, kind: 'corrupt', detail: 'seq 2 is already line 3, with other content' }]);
  });

  it('a torn record that an unsealing writer appended to: the whole record after it is kept', () => {
    writeEvents(bodies.slice(0, 2));
    const third = linesOf(path)[1].replace('"seq":1', '"seq":2').replace(/,"crc":"[0-9a-f]{8}"\}$/, '}');
    appendFileSync(path, `{"seq":2,"ts":1,"type":"model/didRe${third}\n`);
    const read = readJournal(path);
    assert.deepEqual(read.events.map((e) => e.seq), [0, 1, 2]);
    assert.deepEqual(read.problems, [{ line: 3, kind: 'torn', detail: 'a record cut off after 35 bytes, followed on the same line by a whole record, which is kept' }]);
  });

  it('a whole last record without its newline is kept; the next writer ends the line first', () => {
    writeEvents(bodies);
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, -1));
    const read = readJournal(path);
    assert.deepEqual(read.problems, []);
    assert.equal(read.events.length, 4);
    const after = appendAndRead();
    assert.equal(after.event.seq, 4);
    assert.deepEqual(after.problems, []);
    assert.equal(after.events.length, 5);
  });

  it('reads a journal written before checksums (no "crc" field), and appends to it', () => {
    copyFileSync(RECORDED_RUN, path);
    assert.doesNotMatch(readFileSync(path, 'utf8'), /"crc"/);
    const read = readJournal(path);
    assert.equal(read.events.length, 193);
    assert.deepEqual(read.problems, []);
    const after = appendAndRead();
    assert.equal(after.event.seq, 193);
    assert.equal(after.events.length, 194);
    assert.deepEqual(after.problems, []);
  });

  it('an old line duplicated is a duplicate; an old line changed under the same seq is corrupt', () => {
    const lines = readFileSync(RECORDED_RUN, 'utf8').split('\n');
    lines.splice(11, 0, lines[10], lines[10].replace(/"ts":(\d+)/, (_, ts: string) => `"ts":${Number(ts) + 1}`));
    writeFileSync(path, lines.join('\n'));
    const read = readJournal(path);
    assert.equal(read.events.length, 193);
    assert.deepEqual(kinds(read.problems), [
      [12, 'duplicate'],
      [13, 'corrupt'],
    ]);
  });

  it('says what was skipped in a warning a person can read', () => {
    const problems: JournalProblem[] = [
      { line: 3, kind: 'corrupt', detail: 'checksum mismatch' },
      { line: 9, kind: 'torn', detail: 'a record cut off after 12 bytes (a crash mid-write)' },
    ];
    assert.deepEqual(formatJournalProblems('/runs/r/journal.jsonl', []), []);
    assert.deepEqual(formatJournalProblems('/runs/r/journal.jsonl', problems), [
      'Warning: 2 lines of the journal /runs/r/journal.jsonl were skipped (1 torn, 1 corrupt); the report folds every whole record:',
      '  line 3: corrupt: checksum mismatch',
      '  line 9: torn: a record cut off after 12 bytes (a crash mid-write)',
    ]);
    assert.match(formatJournalProblems('j', [...problems, ...problems], 3).at(-1)!, /… and 1 more/);
  });
});
