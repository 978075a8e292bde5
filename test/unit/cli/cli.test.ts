import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, requireBuild } from '../engine/run/runHarness';
import { git, makeRepo, makeTempDir } from '../../fixtures/gitRepo';
import { startCollector } from '../../fixtures/otlpCollector';
import { loom } from './loomCli';

/** The report section the run printed: from its first line to the journal line. */
function reportOf(output: string): string {
  const start = output.indexOf('Loom run ');
  const end = output.indexOf('\nJournal: ');
  return output.slice(start, end).trim();
}

describe('the loom CLI, end to end', function () {
  this.timeout(240_000);
  before(requireBuild);

  it('runs the demo: exit 0, every promised behaviour checked, the run kept with the next commands, which work', async () => {
    const home = await makeTempDir('loom-demo-home-');
    try {
      const { code, stdout, stderr } = await loom(['demo'], { LOOM_HOME: home.dir });
      assert.equal(code, 0, stdout + stderr);
      for (const id of ['fix-sum', 'add-multiply', 'add-divide', 'add-mean']) assert.match(stdout, new RegExp(`^  ${id} `, 'm'));
      assert.match(stdout, /PASS failToPass: node --test test\/sum\.test\.js/);
      assert.match(stdout, /add-multiply x add-divide: src\/index\.js \(contents\)/);
      assert.doesNotMatch(stdout, /^\s+FAIL /m);
      assert.match(stdout, /Demo wall time [\d.]+s; the tasks' own times add up to [\d.]+s/);
      // The run stays inspectable where every run is kept, and the demo says what to try next.
      const runId = /Loom run (\S+):/.exec(stdout)?.[1];
      assert.ok(runId, stdout);
      assert.ok(stdout.includes(`The run is kept in ${join(home.dir, 'runs', runId)}. Try next:`), stdout);
      for (const command of [`loom status ${runId}`, 'loom runs', `loom merge ${runId}`, `loom clean ${runId} --delete-branches`, 'loom demo --clean']) assert.ok(stdout.includes(`  ${command} `), command);
      const status = await loom(['status', runId], { LOOM_HOME: home.dir });
      assert.equal(status.code, 0, status.stderr);
      const repo = /^Demo repository: (.+)$/m.exec(stdout)![1]!;
      const merged = await loom(['merge', runId], { LOOM_HOME: home.dir });
      assert.equal(merged.code, 0, merged.stderr);
      assert.match(merged.stdout, /^Fast-forwarded main to \w{10} \(loom\/\S+\/integration\)/m);
      assert.equal((await git(repo, 'rev-parse', 'main')).trim(), (await git(repo, 'rev-parse', `loom/${runId}/integration`)).trim());
      // Merged into main, the integration branch holds nothing of its own: clean-up deletes every loom/ branch, repository read from the journal.
      const cleaned = await loom(['clean', runId, '--delete-branches'], { LOOM_HOME: home.dir });
      assert.equal(cleaned.code, 0, cleaned.stderr);
      assert.doesNotMatch(cleaned.stdout, /Kept /);
      assert.equal((await git(repo, 'branch', '--list', 'loom/*')).trim(), '');
    } finally {
      await home.cleanup();
    }
  });

  it('loom demo --clean removes the demo repository and its run when it ends', async () => {
    const home = await makeTempDir('loom-demo-home-');
    try {
      const { code, stdout, stderr } = await loom(['demo', '--clean'], { LOOM_HOME: home.dir });
      assert.equal(code, 0, stdout + stderr);
      assert.match(stdout, /^Removed the demo repository and its run \(--clean\)\.$/m);
      assert.doesNotMatch(stdout, /Try next:/);
      assert.deepEqual(readdirSync(join(home.dir, 'runs')), []);
      assert.deepEqual(readdirSync(join(home.dir, 'demo-repos')), []);
    } finally {
      await home.cleanup();
    }
  });

  describe('loom run and loom status on a real repository', () => {
    let home: { dir: string; cleanup: () => Promise<void> };
    before(async () => (home = await makeTempDir('loom-cli-home-')));
    after(async () => home.cleanup());

    it('exits 3 on a pending escalation, and loom status prints the same report from the journal', async () => {
      const demo = join(ROOT, 'examples', 'demo');
      const repo = await makeRepo({
        'package.json': '{"name":"mathlib","private":true}\n',
        'src/sum.js': "function sum(xs) {\n  let total;\n  for (const x of xs) total = (total ?? 0) + x;\n  return total;\n}\n\nmodule.exports = { sum };\n",
        'src/index.js': "const { sum } = require('./sum');\n\nmodule.exports = {\n  sum,\n};\n",
        'test/sum.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { sum } = require('../src/sum');\ntest('empty', () => assert.equal(sum([]), 0));\n",
        'test/mean.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { mean } = require('../src/mean');\ntest('mean', () => assert.equal(mean([2, 4, 6]), 4));\ntest('empty', () => assert.throws(() => mean([]), RangeError));\n",
      });
      try {
        const run = await loom(['run', '--spec', join(demo, 'spec.md'), '--repo', repo.dir, '--simulate', join(demo, 'scenario-merge-fails.json'), '--loom-home', home.dir, '--allow', 'node', '--policy', join(demo, 'policy.json')]);
        assert.equal(run.code, 3, run.stdout + run.stderr);
        const runId = /Loom run (\S+):/.exec(run.stdout)?.[1];
        assert.ok(runId, run.stdout);
        const status = await loom(['status', runId, '--loom-home', home.dir]);
        assert.equal(status.code, 3, status.stderr);
        assert.equal(reportOf(status.stdout), reportOf(run.stdout));
        assert.match(status.stdout, /esc-1 \[conflict\]/);

        // The same journal exports as OpenTelemetry GenAI spans to a collector.
        const collector = await startCollector();
        try {
          const traced = await loom(['trace', runId, '--otlp', collector.url, '--loom-home', home.dir]);
          assert.equal(traced.code, 0, traced.stdout + traced.stderr);
          const names = collector.spans().map((s) => s.name);
          assert.ok(names.includes('invoke_workflow loom'));
          assert.ok(names.includes('invoke_agent impl-fix-sum-1'));
          assert.ok(names.includes('plan coordinator-1'));
          assert.ok(names.some((n) => n === 'execute_tool write_file'));
        } finally {
          await collector.close();
        }

        // A person hands the conflict to a merge agent; it keeps both exports and the integration branch gets the merge.
        const resolved = await loom(['resolve', runId, 'esc-1', '--choice', 'mergeAgent', '--simulate', join(demo, 'scenario.json'), '--loom-home', home.dir]);
        assert.equal(resolved.code, 0, resolved.stdout + resolved.stderr);
        assert.match(resolved.stdout, /: succeeded \(4 of 4 tasks merged\)/);
        assert.match(resolved.stdout, /PASS merge: no conflict markers/);
        const index = await git(repo.dir, 'show', `loom/${runId}/integration:src/index.js`);
        assert.match(index, /multiply/);
        assert.match(index, /divide/);
        assert.doesNotMatch(index, /<<<<<<<|>>>>>>>/);
        const parents = (await git(repo.dir, 'rev-list', '--parents', '-n', '1', `loom/${runId}/integration`)).trim().split(' ');
        assert.equal(parents.length, 3, 'a two-parent merge commit');
        const files = await git(repo.dir, 'ls-tree', '-r', '--name-only', `loom/${runId}/integration`);
        for (const f of ['src/multiply.js', 'src/divide.js', 'src/mean.js']) assert.match(files, new RegExp(f));
        assert.equal((await git(repo.dir, 'rev-parse', '--abbrev-ref', 'HEAD')).trim(), 'main');
        const again = await loom(['resolve', runId, 'esc-1', '--choice', 'ours', '--loom-home', home.dir]);
        assert.equal(again.code, 2);
        assert.match(again.stderr, /already resolved/);
      } finally {
        await repo.cleanup();
      }
    });
  });

  it('says how to configure a model when none is, with exit code 2', async () => {
    const repo = await makeRepo({ 'a.txt': 'a\n' });
    try {
      writeFileSync(join(repo.dir, 'spec.md'), '# S\n\n## R1: a\n\nA.\n\nAcceptance:\n- works\n');
      const { code, stderr } = await loom(['run', '--spec', join(repo.dir, 'spec.md'), '--repo', repo.dir]);
      assert.equal(code, 2);
      assert.match(stderr, /No model is configured/);
      assert.match(stderr, /--base-url URL --model NAME/);
      assert.match(stderr, /--simulate/);
    } finally {
      await repo.cleanup();
    }
  });

  it('rejects a malformed spec with line numbers and exit code 2, before starting anything', async () => {
    const repo = await makeRepo({ 'a.txt': 'a\n' });
    try {
      writeFileSync(join(repo.dir, 'spec.md'), '# S\n\n## Requirement 1\n\ntext\n');
      const { code, stderr } = await loom(['run', '--spec', join(repo.dir, 'spec.md'), '--repo', repo.dir, '--simulate', join(ROOT, 'examples', 'demo', 'scenario.json')]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /spec\.md:3: /);
    } finally {
      await repo.cleanup();
    }
  });

  it('answers an unknown command or flag with usage and exit code 2', async () => {
    assert.equal((await loom(['frobnicate'])).code, 2);
    const bad = await loom(['run', '--nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Usage:/);
    const timeout = await loom(['run', '--spec', 'S.md', '--repo', '.', '--command-timeout', '0']);
    assert.equal(timeout.code, 2);
    assert.match(timeout.stderr, /--command-timeout takes a positive whole number, not "0"/);
    const reruns = await loom(['run', '--spec', 'S.md', '--repo', '.', '--flake-reruns', 'x']);
    assert.equal(reruns.code, 2);
    assert.match(reruns.stderr, /--flake-reruns takes a whole number \(0 or more\), not "x"/);
  });
});
