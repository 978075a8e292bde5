import assert from 'node:assert/strict';
import * as path from 'node:path';
import { git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';
import { startSandboxedAgent, type SandboxedAgent } from '../../../fixtures/sandboxedAgent';
import { buildToolServer } from '../tools/toolTestHelpers';

const TOKEN = 'ghp_canaryCanaryCanaryCanaryCanary012345';

describe('engine/sandbox/gitConfigMask (real sandbox)', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup(): Promise<void> };
  let agent: SandboxedAgent;

  before(async () => {
    repo = await makeRepo({ 'a.txt': 'a\n' });
    // What a CI checkout leaves behind: a token in the remote URL and an auth header.
    await git(repo.dir, 'config', 'remote.origin.url', `https://x-access-token:${TOKEN}@github.com/o/r.git`);
    await git(repo.dir, 'config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${TOKEN}`);
    home = await makeTempDir('loom-home-');
    agent = await startSandboxedAgent({ repo: repo.dir, runDir: home.dir, toolServer: await buildToolServer() });
  });

  after(async () => {
    await agent?.dispose();
    await repo?.cleanup();
    await home?.cleanup();
  });

  it("hides the shared .git/config's remotes and credentials from agents, and git still works inside", async () => {
    const config = path.join(repo.dir, '.git', 'config');
    const shown = await agent.tools.call('run_command', JSON.stringify({ command: ['cat', config] }));
    assert.ok(shown.ok, shown.text);
    assert.match(shown.text, /repositoryformatversion/);
    assert.ok(!shown.text.includes(TOKEN), shown.text);
    const status = await agent.tools.call('run_command', JSON.stringify({ command: ['git', 'log', '--oneline', '-1'] }));
    assert.match(status.text, /exit code: 0/);
    assert.match(status.text, /initial/);
    assert.ok(!(await agent.tools.call('run_command', JSON.stringify({ command: ['git', 'config', '--list'] }))).text.includes(TOKEN));
  });
});
