import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { readJournal } from '../../../extension/engine/journal/journalReader';
import { repeatedEffects } from '../../../extension/protocol/effects';
import { git, makeRepo, makeTempDir } from '../../fixtures/gitRepo';
import { crashRepoFiles, runKilledAfterFirstCheckpoint } from '../engine/run/crashRun';
import { requireBuild } from '../engine/run/runHarness';
import { loom } from './loomCli';

/**
 * What the run itself fsyncs before anyone hears of it (a lease, a merge, a person asked...): a power
 * loss cannot take these back. An agent's checkpoint is written at once but fsynced in the background
 * (engine/run/journalDurability.ts), so it can be lost together with whatever followed it.
 */
const SYNCED_BY_THE_RUN = new Set(['lease/didCreate', 'lease/didRemove', 'tests/didFreeze', 'merge/didMerge', 'escalation/didOpen', 'escalation/didResolve', 'policy/didDecide', 'finding/didReview', 'run/didFinish']);

/**
 * Cuts the journal the way a power loss does right after an agent's checkpoint commit was written but
 * before its background fsync: from that checkpoint's line on, nothing is left. The cut is at the last
 * checkpoint that nothing the run fsyncs came after (what followed an fsync cannot be lost without it).
 * Its intent (effect/willApply) stays: the commit is in the lease, the journal does not know it finished.
 */
function loseUnsyncedCheckpoint(journal: string): { commit: string; taskId: string } {
  const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
  const events = lines.map((l) => JSON.parse(l) as { type: string; kind?: string });
  const syncedByTheRun = (e: { type: string; kind?: string }) => SYNCED_BY_THE_RUN.has(e.type) || (e.type === 'effect/willApply' && (e.kind === 'lease' || e.kind === 'merge'));
  let cut = -1;
  for (let i = events.length - 1; i >= 0 && !syncedByTheRun(events[i]) && cut < 0; i--) if (events[i].type === 'checkpoint/didCommit') cut = i;
  assert.ok(cut > 0, `no checkpoint after the run's last fsync to lose:\n${events.map((e) => e.type).join('\n')}`);
  const lost = JSON.parse(lines[cut]) as { commit: string; taskId: string };
  writeFileSync(journal, `${lines.slice(0, cut).join('\n')}\n`);
  return lost;
}

describe('a power loss takes an agent checkpoint that was written but not yet fsynced: resume undoes it and finishes (built CLI, threads, sandbox, simulator)', function () {
  this.timeout(600_000);
  before(requireBuild);

  it('the lease goes back to its last journaled checkpoint, the lost commit is built on by nothing, and every task merges once', async () => {
    const work = await makeTempDir('loom-lost-tail-');
    const repo = await makeRepo(crashRepoFiles());
    try {
      const { scenarioPath, home, runId, journal } = await runKilledAfterFirstCheckpoint(repo.dir, work.dir);
      const lost = loseUnsyncedCheckpoint(journal);
      assert.equal(await git(repo.dir, 'cat-file', '-t', lost.commit), 'commit', 'the lost checkpoint commit is in the repository');

      const resumed = await loom(['resume', runId, '--simulate', scenarioPath, '--loom-home', home]);
      assert.equal(resumed.code, 0, `${resumed.stdout}\n${resumed.stderr}`);
      assert.equal(resumed.stderr, '', 'no stack trace');
      const { events, problems } = readJournal(journal);
      assert.deepEqual(problems, [], 'a journal cut at a line boundary is whole');
      const resume = events.find((e) => e.type === 'run/didResume');
      assert.ok(resume && resume.type === 'run/didResume');
      assert.ok(
        resume.effects.some((e) => e.kind === 'checkpoint' && e.resolution === 'rolledBack'),
        `the checkpoint whose completion was lost is rolled back: ${JSON.stringify(resume.effects)}`,
      );
      const merged = events.filter((e) => e.type === 'merge/didMerge').map((e) => (e.type === 'merge/didMerge' ? e.taskId : '')).sort();
      assert.deepEqual(merged, ['alpha', 'beta', 'gamma', 'omega']);
      assert.deepEqual(repeatedEffects(events), []);
      const integration = `loom/${runId}/integration`;
      // Built on, the lost commit would be its own merge base with the integration branch.
      assert.notEqual(await git(repo.dir, 'merge-base', lost.commit, integration), lost.commit, `${lost.taskId}'s lost checkpoint ${lost.commit.slice(0, 10)} was undone, not built on`);
      for (const [name, value] of [['alpha', 1], ['beta', 2], ['gamma', 3], ['omega', 9]] as const) {
        assert.equal(await git(repo.dir, 'show', `${integration}:src/${name}.js`), `module.exports = { value: ${value} };`);
      }
      const cleaned = await loom(['clean', runId, '--repo', repo.dir, '--loom-home', home]);
      assert.equal(cleaned.code, 0, cleaned.stderr);
    } finally {
      await repo.cleanup();
      await work.cleanup();
    }
  });
});
