import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findDependencyDirs } from '../../../../extension/engine/sandbox/dependencyMounts';
import { makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';
import { startSandboxedAgent, type SandboxedAgent } from '../../../fixtures/sandboxedAgent';
import { buildToolServer } from '../tools/toolTestHelpers';

describe('engine/sandbox/dependencyMounts (a monorepo, real sandbox)', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup(): Promise<void> };
  let agent: SandboxedAgent;

  before(async () => {
    repo = await makeRepo({
      '.gitignore': 'node_modules\n',
      'package.json': '{ "name": "mono", "private": true, "workspaces": ["packages/*"] }\n',
      'packages/lib/package.json': '{ "name": "@mono/lib", "version": "1.0.0", "main": "index.js" }\n',
      'packages/lib/index.js': "module.exports = 'user copy';\n",
      'packages/app/package.json': '{ "name": "@mono/app", "version": "1.0.0" }\n',
      'packages/app/index.js': "module.exports = require('@mono/lib');\n",
    });
    // What `npm install` leaves in a workspace checkout: relative links to the packages, and a package's own node_modules.
    fs.mkdirSync(path.join(repo.dir, 'node_modules', '@mono'), { recursive: true });
    fs.symlinkSync('../../packages/lib', path.join(repo.dir, 'node_modules', '@mono', 'lib'));
    fs.mkdirSync(path.join(repo.dir, 'packages', 'app', 'node_modules', 'only-app'), { recursive: true });
    fs.writeFileSync(path.join(repo.dir, 'packages', 'app', 'node_modules', 'only-app', 'index.js'), "module.exports = 'app dep';\n");
    home = await makeTempDir('loom-home-');
    agent = await startSandboxedAgent({ repo: repo.dir, runDir: home.dir, toolServer: await buildToolServer() });
  });

  after(async () => {
    await agent?.dispose();
    await repo?.cleanup();
    await home?.cleanup();
  });

  const run = async (script: string) => (await agent.tools.call('run_command', JSON.stringify({ command: ['node', '-e', script] }))).text;

  it('finds the root node_modules and the packages\' own', async () => {
    assert.deepEqual(await findDependencyDirs(repo.dir), ['node_modules', 'packages/app/node_modules']);
  });

  it("resolves a workspace package linked into node_modules to the lease's own copy, never the user's", async () => {
    const edit = await agent.tools.call('write_file', JSON.stringify({ path: 'packages/lib/index.js', content: "module.exports = 'lease copy';\n" }));
    assert.ok(edit.ok, edit.text);
    assert.match(await run("console.log(require('./packages/app'))"), /lease copy/);
    assert.match(await run("console.log(require.resolve('@mono/lib'))"), new RegExp(`${agent.lease.path}/packages/lib/index.js`));
    assert.equal(fs.readFileSync(path.join(repo.dir, 'packages/lib/index.js'), 'utf8'), "module.exports = 'user copy';\n");
  });

  it("sees a package's own installed dependencies at the same place in the lease", async () => {
    assert.match(await run("console.log(require('./packages/app/node_modules/only-app'))"), /app dep/);
  });
});
