import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBuild, specWith, touchScenario, waitFor } from '../engine/run/runHarness';
import { loomLive } from './loomCli';
import { git, makeRepo, makeTempDir, type TempRepo } from '../../fixtures/gitRepo';

/** `loom ARGS` as a child process without a terminal (so no interactive prompt), output readable while it runs. */
const loom = loomLive;

describe('loom CLI: approvals and the policy file', function () {
  this.timeout(180_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let files: { dir: string; cleanup: () => Promise<void> };

  before(requireBuild);
  beforeEach(async () => {
    repo = await makeRepo({ 'README.md': '# r\n', 'SPEC.md': specWith(['touchy']) });
    home = await makeTempDir('loom-cli-approval-home-');
    files = await makeTempDir('loom-cli-approval-files-');
  });
  afterEach(async () => {
    await repo.cleanup();
    await home.cleanup();
    await files.cleanup();
  });

  const write = (name: string, content: unknown) => {
    const path = join(files.dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const run = (after: 'done' | 'blocked', ...extra: string[]) =>
    loom(['run', '--spec', join(repo.dir, 'SPEC.md'), '--repo', repo.dir, '--simulate', write('scenario.json', touchScenario(after)), '--loom-home', home.dir, '--allow', 'node', ...extra]);

  it('rejects an invalid policy file with exit code 2 and a clear message, before anything starts', async () => {
    const policy = write('policy.json', { commands: { other: 'ask' }, netwrok: 'deny' });
    const { code, stdout, stderr } = await run('done', '--policy', policy).done;
    assert.equal(code, 2, stdout + stderr);
    assert.match(stderr, /^loom run: the policy file .*policy\.json is not a valid Loom policy \(see docs\/policy\.md\):\n {2}commands\.other: must be "allow", "approve" or "deny"\n {2}\(top level\): unknown key\(s\) "netwrok"\n\(loom run --help describes its arguments and flags\)\n$/);
    assert.doesNotMatch(stderr, /\bat .*\.js:\d+/, 'no stack trace');
    assert.equal(existsSync(join(home.dir, 'runs')), false, 'no run was created');
    assert.match((await run('done', '--policy', join(files.dir, 'missing.json')).done).stderr, /cannot read the policy file .*missing\.json: no such file/);
    assert.match((await run('done', '--yes', '--no').done).stderr, /--yes and --no contradict each other/);
  });

  it('--yes approves every approval, printed and journaled: the command runs and the run succeeds', async () => {
    const { code, stdout, stderr } = await run('done', '--yes').done;
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /approval-1: approved automatically \(cli --yes\): impl-touchy-1 \(task touchy\) wants to run `touch approved\.txt`/);
    assert.match(stdout, /impl-touchy-1\s+run_command ok/);
    assert.match(stdout, /Policy \(actions not simply allowed\)\n {2}impl-touchy-1: approved by cli --yes \(approval-1\): run `touch approved\.txt`/);
    const runId = /Loom run (\S+):/.exec(stdout)![1];
    assert.match(await git(repo.dir, 'ls-tree', '-r', '--name-only', `loom/${runId}/integration`), /^approved\.txt$/m);
  });

  it('--no denies every approval: the agent gets the structured error and the command never runs', async () => {
    const { code, stdout, stderr } = await run('blocked', '--no').done;
    assert.equal(code, 1, stdout + stderr);
    assert.match(stdout, /approval-1: denied automatically \(cli --no\)/);
    assert.match(stdout, /impl-touchy-1\s+run_command failed: not approved: cli --no denied it \(approval-1\)/);
    assert.match(stdout, /impl-touchy-1: denied by cli --no \(approval-1\)/);
    const worktrees = join(home.dir, 'runs', /Loom run (\S+):/.exec(stdout)![1], 'worktrees');
    for (const lease of existsSync(worktrees) ? readdirSync(worktrees) : []) assert.equal(existsSync(join(worktrees, lease, 'approved.txt')), false);
  });

  it('loom resolve RUN ESC approve answers the approval a running loom run waits on', async () => {
    const live = run('done');
    const runId = await (async () => {
      await waitFor(() => /ESCALATION approval-1: /.test(live.output()));
      return /run (\S+) on /.exec(live.output())![1];
    })();
    // A wrong answer is a usage error, and changes nothing.
    const wrong = await loom(['resolve', runId, 'approval-1', 'ours', '--loom-home', home.dir]).done;
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /approval-1 is answered with approve or deny/);
    assert.doesNotMatch(live.output(), /approval-1 answered/);

    const answered = await loom(['resolve', runId, 'approval-1', 'approve', '--loom-home', home.dir]).done;
    assert.equal(answered.code, 0, answered.stdout + answered.stderr);
    assert.match(answered.stdout, /^approval-1: approve \(cli: `touch` is not on the command allowlist \(node, npm, npx\)\)$/m);
    const { code, stdout, stderr } = await live.done;
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /approval-1 answered: approve \(cli\)/);
    assert.match(stdout, /impl-touchy-1\s+run_command ok/);

    const again = await loom(['resolve', runId, 'approval-1', 'deny', '--loom-home', home.dir]).done;
    assert.equal(again.code, 2);
    assert.match(again.stderr, /approval-1 was already answered: approve/);
  });
});
