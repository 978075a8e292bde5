import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBody, RunEvent } from '../../../../extension/protocol/events';
import { JournalWriter } from '../../../../extension/engine/journal/journalWriter';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import { makeTempDir } from '../../../fixtures/gitRepo';
import { descriptorsOf } from '../../../fixtures/openFiles';

const warn = (message: string): EventBody => ({ type: 'agent/didWarn', agentId: 'a', kind: 'note', message });
const nextTick = () => new Promise((resolve) => setImmediate(resolve));
const seqsOnDisk = (path: string) => readJournal(path).events.map((e) => e.seq);

describe('engine/journal/journalWriter: group commit', () => {
  let dir: { dir: string; cleanup: () => Promise<void> };
  let path: string;
  beforeEach(async () => {
    dir = await makeTempDir('loom-journal-writer-');
    path = join(dir.dir, 'journal.jsonl');
  });
  afterEach(async () => dir.cleanup());

  it('buffers the events of a tick, tells listeners at once, and writes them in one batch on the next tick', async () => {
    const writer = new JournalWriter(path);
    const heard: RunEvent[] = [];
    writer.onDidAppend((e) => heard.push(e));
    for (let i = 0; i < 100; i++) writer.append(warn(`event ${i}`));
    assert.equal(heard.length, 100);
    assert.equal(readFileSync(path, 'utf8'), '');
    await nextTick();
    assert.deepEqual(seqsOnDisk(path), heard.map((e) => e.seq));
    writer.dispose();
  });

  it('flush() makes the intent durable before the effect runs and before the effect is reported done', () => {
    const writer = new JournalWriter(path);
    const order: string[] = [];
    writer.onDidAppend((e) => order.push(`heard ${e.seq}`));
    const effect = () => {
      // What an effect (a merge, a commit…) would find on disk if the process died right now.
      order.push(`effect sees ${seqsOnDisk(path).join(',')}`);
    };
    writer.append(warn('intent: merge t1'));
    writer.flush();
    effect();
    writer.append(warn('done: merged t1'));
    writer.flush();
    order.push(`reported, on disk ${seqsOnDisk(path).join(',')}`);
    writer.append(warn('not flushed yet'));
    order.push(`before the tick ${seqsOnDisk(path).join(',')}`);
    writer.dispose();
    order.push(`after dispose ${seqsOnDisk(path).join(',')}`);
    assert.deepEqual(order, ['heard 0', 'effect sees 0', 'heard 1', 'reported, on disk 0,1', 'heard 2', 'before the tick 0,1', 'after dispose 0,1,2']);
  });

  it('a flush leaves nothing for the scheduled batch, and an append after it is written on the next tick', async () => {
    const writer = new JournalWriter(path);
    writer.append(warn('a'));
    writer.flush();
    await nextTick();
    writer.append(warn('b'));
    await nextTick();
    assert.deepEqual(seqsOnDisk(path), [0, 1]);
    assert.equal(readFileSync(path, 'utf8').split('\n').length, 3);
    writer.dispose();
  });

  it("fsyncs a tick's batch off the thread; disposed meanwhile, it closes the file once that fsync ends, every event on disk", async () => {
    const journalOpen = () => descriptorsOf(path) > 0;
    const writer = new JournalWriter(path);
    writer.append(warn('a'));
    // The writer's tick came first: its lines are written and their fsync is running on libuv's pool.
    await nextTick();
    assert.deepEqual(seqsOnDisk(path), [0]);
    writer.append(warn('b'));
    writer.dispose();
    assert.deepEqual(seqsOnDisk(path), [0, 1]);
    assert.throws(() => writer.append(warn('c')), /is closed/);
    assert.equal(journalOpen(), true, 'the background fsync still holds the file');
    for (let i = 0; i < 200 && journalOpen(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(journalOpen(), false, 'the journal file is closed once the background fsync ended');
  });

  it("writeNow() puts a worker's effect on disk at once without holding the thread for its fsync, and leaves nothing for the tick", async () => {
    const journalSyncs = () => descriptorsOf(path);
    const writer = new JournalWriter(path);
    assert.equal(journalSyncs(), 1, 'only the writer holds the journal before any fsync');
    writer.append(warn('checkpoint of impl-t1-1'));
    writer.writeNow();
    // What a crash right now would find on disk, before any tick: the line.
    assert.deepEqual(seqsOnDisk(path), [0]);
    assert.equal(journalSyncs(), 2, 'its fsync runs on a descriptor of its own, off the thread');
    await nextTick();
    assert.equal(readFileSync(path, 'utf8').split('\n').length, 2, 'the tick writes it no second time');
    writer.dispose();
  });

  it('continues the sequence of an existing journal, whatever nextSeq says, and never reuses a number', () => {
    const first = new JournalWriter(path);
    for (let i = 0; i < 3; i++) first.append(warn(`${i}`));
    first.dispose();
    const second = new JournalWriter(path, { nextSeq: 1 });
    assert.equal(second.append(warn('after')).seq, 3);
    second.dispose();
    const third = new JournalWriter(path, { nextSeq: 10 });
    assert.equal(third.append(warn('later')).seq, 10);
    third.dispose();
    assert.deepEqual(seqsOnDisk(path), [0, 1, 2, 3, 10]);
    assert.deepEqual(readJournal(path).problems, []);
  });

  it('refuses appends once disposed', () => {
    const writer = new JournalWriter(path);
    writer.dispose();
    assert.throws(() => writer.append(warn('late')), /is closed/);
  });
});
