import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBody } from '../../../../extension/protocol/events';
import { JournalWriter } from '../../../../extension/engine/journal/journalWriter';
import { makeDurable } from '../../../../extension/engine/run/journalDurability';
import { makeTempDir } from '../../../fixtures/gitRepo';
import { descriptorsOf } from '../../../fixtures/openFiles';

const checkpoint: EventBody = { type: 'checkpoint/didCommit', agentId: 'impl-t1-1', taskId: 't1', turn: 1, commit: 'c0mm1t', messages: [] };
const lease: EventBody = { type: 'lease/didCreate', taskId: 't1', purpose: 'implement', branch: 'loom/r/t1', path: '/tmp/x', startCommit: 'c0mm1t' };
const warning: EventBody = { type: 'agent/didWarn', agentId: 'impl-t1-1', kind: 'note', message: 'n' };

describe('engine/run/journalDurability', () => {
  let dir: { dir: string; cleanup: () => Promise<void> };
  let path: string;
  let writer: JournalWriter;
  const lines = () => readFileSync(path, 'utf8').split('\n').filter(Boolean).length;
  beforeEach(async () => {
    dir = await makeTempDir('loom-durability-');
    path = join(dir.dir, 'journal.jsonl');
    writer = new JournalWriter(path);
  });
  afterEach(async () => {
    writer.dispose();
    await dir.cleanup();
  });

  it("writes an effect a worker reported at once, its fsync off the thread (the worker did not wait for it)", () => {
    makeDurable(writer, writer.append(checkpoint), 'agent');
    assert.equal(lines(), 1);
    assert.equal(descriptorsOf(path), 2, 'a background fsync on a descriptor of its own');
  });

  it('flushes an effect the run made before anyone hears of it, and leaves any other event to the next group commit', () => {
    makeDurable(writer, writer.append(lease), 'run');
    assert.equal(lines(), 1);
    assert.equal(descriptorsOf(path), 1, 'fsynced here, on the journal itself');
    makeDurable(writer, writer.append(warning), 'agent');
    makeDurable(writer, writer.append(warning), 'run');
    assert.equal(lines(), 1, 'not an effect: written with the next batch');
  });
});
