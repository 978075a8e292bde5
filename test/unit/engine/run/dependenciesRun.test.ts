import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatReport } from '../../../../extension/engine/run/report';
import { ActionPolicySchema } from '../../../../extension/protocol/policy';
import { gitOut } from '../../../../extension/engine/workspace/git';
import { planTask, report, runScenario, specWith, write, PASS_VERDICT, type RunResult } from './runHarness';

/** sha256 over every path and file content under `dir`, sorted. */
function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const child = path.join(rel, name);
      const st = fs.lstatSync(path.join(dir, child));
      hash.update(`${child}\0${st.mode}\0`);
      if (st.isDirectory()) walk(child);
      else if (st.isSymbolicLink()) hash.update(fs.readlinkSync(path.join(dir, child)));
      else hash.update(fs.readFileSync(path.join(dir, child)));
    }
  };
  walk('');
  return hash.digest('hex');
}

const PAD = "module.exports = (s, n) => String(s).padStart(n, '0');\n";

describe('engine/run: installed dependencies in leases (real sandbox, real run)', function () {
  this.timeout(180_000);
  let run: RunResult | undefined;
  after(async () => run?.cleanup());

  for (const ignore of ['node_modules\n']) {
    it(`a repository whose .gitignore says ${JSON.stringify(ignore.trim())} runs to a merged result; the agent's writes to node_modules never reach the user's`, async () => {
      const plan = { tasks: [planTask('pad', 'R1', ['src/pad.js', 'test/pad.test.js'], 'test/pad.test.js')] };
      let before = '';
      run = await runScenario({
        files: {
          '.gitignore': ignore,
          'package.json': '{ "name": "deps-fixture", "version": "1.0.0" }\n',
          'test/pad.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('pads', () => assert.equal(require('../src/pad.js')(7, 3), '007'));\n",
        },
        spec: specWith(['pad']),
        scenario: {
          name: 'deps',
          agents: [
            { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
            {
              match: { role: 'implementor', task: 'pad' },
              turns: [
                // An agent "installs" into its own node_modules view: copy-on-write, never the user's folder.
                { toolCalls: [{ name: 'run_command', arguments: { command: ['node', '-e', "const fs=require('fs');fs.writeFileSync('node_modules/leftpad/index.js','module.exports=()=>\"hacked\"');fs.mkdirSync('node_modules/added',{recursive:true});fs.writeFileSync('node_modules/added/index.js','1')"] } }] },
                { toolCalls: [write('src/pad.js', "module.exports = (s, n) => require('leftpad')(s, n);\n")] },
                { toolCalls: [{ name: 'run_command', arguments: { command: ['node', '-e', "console.log(require('./src/pad.js')(7, 3))"] } }] },
                { toolCalls: [write('node_modules/leftpad/index.js', PAD)] },
                { toolCalls: [report('pads via leftpad', ['src/pad.js'])] },
              ],
            },
            { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
          ],
        },
        // The agent edits its node_modules view on purpose (outside its file scope): allowed here, not asked.
        options: { policy: ActionPolicySchema.parse({ writeOutsideScope: 'allow' }) },
        beforeRun: async (repo) => {
          // Installed, not committed: exactly what `npm install` leaves in a checkout.
          fs.mkdirSync(path.join(repo.dir, 'node_modules', 'leftpad'), { recursive: true });
          fs.writeFileSync(path.join(repo.dir, 'node_modules', 'leftpad', 'index.js'), PAD);
          before = treeDigest(path.join(repo.dir, 'node_modules'));
        },
      });
      const { state, repo } = run;
      assert.equal(state.status, 'succeeded', formatReport(state));
      assert.equal(state.tasks.find((t) => t.task.id === 'pad')?.status, 'merged', formatReport(state));
      assert.equal(treeDigest(path.join(repo.dir, 'node_modules')), before, "the user's node_modules is byte-identical");
      assert.ok(!fs.existsSync(path.join(repo.dir, 'node_modules', 'added')));
      const integrated = await gitOut(repo.dir, ['ls-tree', '-r', '--name-only', `loom/${state.runId}/integration`]);
      assert.ok(integrated.split('\n').includes('src/pad.js'), integrated);
      assert.ok(!integrated.includes('node_modules'), `nothing under node_modules is committed:\n${integrated}`);
      const started = run.events.find((e) => e.type === 'run/didStart');
      assert.match(started && 'sandbox' in started ? String(started.sandbox) : '', /bubblewrap sandbox/);
    });
  }
});
