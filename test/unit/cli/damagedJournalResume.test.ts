import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { readJournal } from '../../../extension/engine/journal/journalReader';
import { repeatedEffects } from '../../../extension/protocol/effects';
import { foldEvents } from '../../../extension/protocol/reduce';
import { git, makeRepo, makeTempDir } from '../../fixtures/gitRepo';
import { crashRepoFiles, runKilledAfterFirstCheckpoint } from '../engine/run/crashRun';
import { requireBuild } from '../engine/run/runHarness';
import { loom } from './loomCli';

type Damage = 'torn tail' | 'corrupt middle line' | 'duplicated line';

/** Damages the journal of a killed run the way a crash, a bad disk or a bad copy does; returns the damaged line's number. */
function damage(journal: string, kind: Damage): number {
  const lines = readFileSync(journal, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (kind === 'torn tail') {
    writeFileSync(journal, `${lines.join('\n')}\n{"seq":${lines.length},"ts":1,"type":"tool/didC`);
    return lines.length + 1;
  }
  // A model response in the middle: its tokens must count once (duplicate) or go (corrupt), never crash anything.
  const index = lines.findIndex((l) => l.includes('"type":"model/didRespond"') && l.includes('"agentId":"impl-'));
  if (kind === 'duplicated line') lines.splice(index + 1, 0, lines[index]);
  else lines[index] = lines[index].replace('"finishReason":"', '"finishReason":"x');
  writeFileSync(journal, `${lines.join('\n')}\n`);
  return index + (kind === 'duplicated line' ? 2 : 1);
}

describe('a damaged journal of a killed run: status reads it, resume completes it (built CLI, threads, sandbox, simulator)', function () {
  this.timeout(600_000);
  before(requireBuild);

  for (const kind of ['torn tail', 'corrupt middle line', 'duplicated line'] as const) {
    it(`${kind}: status warns with the line number and says interrupted; resume finishes every task once`, async () => {
      const work = await makeTempDir('loom-damaged-');
      const repo = await makeRepo(crashRepoFiles());
      try {
        // Killed once an implementor has checkpointed and before anything merged: tasks are in flight.
        const { scenarioPath, home, runId, journal } = await runKilledAfterFirstCheckpoint(repo.dir, work.dir);
        const before = foldEvents(readJournal(journal).events);
        const line = damage(journal, kind);

        const status = await loom(['status', runId, '--loom-home', home]);
        assert.equal(status.stderr, '', 'no stack trace');
        assert.match(status.stdout, new RegExp(`line ${line}: ${kind === 'torn tail' ? 'torn' : kind === 'duplicated line' ? 'duplicate' : 'corrupt'}`), status.stdout);
        assert.match(status.stdout, /interrupted/, status.stdout);
        if (kind === 'duplicated line') {
          const after = foldEvents(readJournal(journal).events);
          assert.deepEqual(after.agents.map((a) => a.usage), before.agents.map((a) => a.usage), 'a duplicated response is not counted twice');
        }

        const resumed = await loom(['resume', runId, '--simulate', scenarioPath, '--loom-home', home]);
        assert.equal(resumed.code, 0, `${resumed.stdout}\n${resumed.stderr}`);
        assert.match(resumed.stdout, new RegExp(`line ${line}: `), 'resume says which line it skipped');
        const { events, problems } = readJournal(journal);
        assert.equal(problems.length, 1, 'the damaged line stays one bad line; everything appended after it is whole');
        const merged = events.filter((e) => e.type === 'merge/didMerge').map((e) => (e.type === 'merge/didMerge' ? e.taskId : '')).sort();
        assert.deepEqual(merged, ['alpha', 'beta', 'gamma', 'omega']);
        assert.deepEqual(repeatedEffects(events), []);
        for (const [name, value] of [['alpha', 1], ['beta', 2], ['gamma', 3], ['omega', 9]] as const) {
          assert.equal(await git(repo.dir, 'show', `loom/${runId}/integration:src/${name}.js`), `module.exports = { value: ${value} };`);
        }
        const cleaned = await loom(['clean', runId, '--repo', repo.dir, '--loom-home', home]);
        assert.equal(cleaned.code, 0, cleaned.stderr);
      } finally {
        await repo.cleanup();
        await work.cleanup();
      }
    });
  }
});
