import assert from 'node:assert/strict';
import { git } from '../../../fixtures/gitRepo';
import { eventsOf, PASS_VERDICT, planTask, report, runScenario, specWith, write, type RunResult } from '../run/runHarness';

const FILES = {
  'package.json': '{"name":"x"}\n',
  'src/a.js': 'module.exports = 1;\n',
  'lib/helper.js': 'module.exports = "helper outside the scope";\n',
  'docs/notes.md': 'notes\n',
};

describe('sparse leases in a run (real threads, sandboxed tool servers, simulator)', function () {
  this.timeout(300_000);
  let run: RunResult | undefined;

  afterEach(async () => {
    await run?.cleanup();
    run = undefined;
  });

  for (const leaseAllocation of ['perTask', 'pooled'] as const) {
    it(`an agent reads outside its sparse lease, the result has no deletions, and no worktree is left (${leaseAllocation})`, async () => {
      const plan = { tasks: [planTask('a', 'R1', ['src/**'], null), planTask('b', 'R2', ['src/b.js'], null, ['a'])] };
      run = await runScenario({
        files: FILES,
        spec: specWith(['a', 'b']),
        options: { leaseAllocation },
        scenario: {
          name: 'sparse-run',
          agents: [
            { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
            {
              match: { role: 'implementor', task: 'a' },
              turns: [
                { toolCalls: [{ name: 'read_file', arguments: { path: 'lib/helper.js' } }] },
                { toolCalls: [write('src/a.js', 'module.exports = 2;\n')] },
                { toolCalls: [report('a', ['src/a.js'])] },
              ],
            },
            { match: { role: 'implementor', task: 'b' }, turns: [{ toolCalls: [write('src/b.js', 'module.exports = "b";\n')] }, { toolCalls: [report('b', ['src/b.js'])] }] },
            { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
          ],
        },
      });
      assert.equal(run.state.status, 'succeeded');
      // The helper the agent read came back whole, from outside its sparse lease.
      const read = eventsOf(run.events, 'tool/didCall').find((c) => c.tool === 'read_file');
      assert.ok(read?.ok, JSON.stringify(read));
      assert.equal(run.state.tasks.length, 2);
      const finish = eventsOf(run.events, 'run/didFinish')[0];
      const base = eventsOf(run.events, 'run/didStart')[0].baseCommit;
      const changed = (await git(run.repo.dir, 'diff', '--name-status', base, finish.integrationCommit!)).split('\n').sort();
      assert.deepEqual(changed, ['A\tsrc/b.js', 'M\tsrc/a.js']);
      // Each lease went when its task succeeded (journaled), and nothing is left after the run.
      const created = eventsOf(run.events, 'lease/didCreate').filter((l) => l.purpose === 'implement');
      const removed = new Set(eventsOf(run.events, 'lease/didRemove').map((r) => r.path));
      for (const lease of created) assert.ok(removed.has(lease.path), `${lease.path} was removed`);
      if (leaseAllocation === 'pooled') assert.equal(created[1].path, created[0].path, 'the second task reused the first one\'s worktree');
      assert.equal((await git(run.repo.dir, 'worktree', 'list')).split('\n').length, 1);
    });
  }
});
