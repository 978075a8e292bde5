import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, requireBuild } from '../engine/run/runHarness';
import { CLI } from './loomCli';
import { JournalWriter } from '../../../extension/engine/journal/journalWriter';
import { readJournal } from '../../../extension/engine/journal/journalReader';
import { EXIT } from '../../../extension/cli/usageError';
import { makeTempDir } from '../../fixtures/gitRepo';

const RECORDED_RUN = join(ROOT, 'test', 'fixtures', 'recordedRun.jsonl');

/** `loom status JOURNAL` with the built CLI, as a user runs it. */
function status(journal: string) {
  const result = spawnSync(process.execPath, [CLI, 'status', journal], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('loom status on a damaged journal (built CLI)', function () {
  this.timeout(60_000);
  let dir: { dir: string; cleanup: () => Promise<void> };
  before(requireBuild);
  beforeEach(async () => (dir = await makeTempDir('loom-status-')));
  afterEach(async () => dir.cleanup());

  /** The recorded (escalated) run rewritten by today's writer, so every line has its checksum. */
  function recordedRunWithChecksums(): string {
    const path = join(dir.dir, 'journal.jsonl');
    const writer = new JournalWriter(path, { fsync: false });
    for (const { seq: _seq, ts: _ts, ...body } of readJournal(RECORDED_RUN).events) writer.append(body);
    writer.dispose();
    return path;
  }

  it('a corrupt middle line: a warning with its line number, the report, and the run’s own exit code', () => {
    const journal = recordedRunWithChecksums();
    const whole = status(journal);
    assert.equal(whole.code, EXIT.escalationPending, whole.stderr);
    assert.doesNotMatch(whole.stdout, /Warning/);

    const lines = readFileSync(journal, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('"type":"tool/didCall"')) + 1;
    lines[line - 1] = lines[line - 1].replace('"tool":"', '"tool":"x');
    writeFileSync(journal, lines.join('\n'));

    const damaged = status(journal);
    assert.equal(damaged.code, EXIT.escalationPending, damaged.stderr);
    assert.equal(damaged.stderr, '');
    assert.doesNotMatch(damaged.stdout, /Error|    at /);
    assert.match(damaged.stdout, new RegExp(`^Warning: 1 line of the journal .*journal\\.jsonl was skipped \\(1 corrupt\\)`, 'm'));
    assert.match(damaged.stdout, new RegExp(`^  line ${line}: corrupt: checksum mismatch`, 'm'));
    assert.match(damaged.stdout, /^Loom run run-7f3a2c: escalated/m);
  });

  it('a torn tail and a duplicated line are reported the same way', () => {
    const journal = recordedRunWithChecksums();
    const lines = readFileSync(journal, 'utf8').split('\n');
    lines.splice(5, 0, lines[4]);
    writeFileSync(journal, `${lines.join('\n')}{"seq":193,"ts":1,"ty`);
    const result = status(journal);
    assert.equal(result.code, EXIT.escalationPending, result.stderr);
    assert.match(result.stdout, /^ {2}line 6: duplicate: a copy of line 5 \(seq 4\)$/m);
    assert.match(result.stdout, /^ {2}line 195: torn: a record cut off after 21 bytes \(a crash mid-write\)$/m);
  });
});
