import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPaths } from '../../../extension/engine/run/runPaths';
import { readJournal } from '../../../extension/engine/journal/journalReader';
import { foldEvents } from '../../../extension/protocol/reduce';
import { ROOT, requireBuild } from '../engine/run/runHarness';
import { makeRepo, makeTempDir } from '../../fixtures/gitRepo';
import { loom } from './loomCli';

const DEMO = join(ROOT, 'examples', 'demo');

/** `loom replay`: a recorded run re-executed from its journal with no model, and time travel to an event. */
describe('loom replay (built CLI, real run, simulator only for the recording)', function () {
  this.timeout(240_000);
  let home: { dir: string; cleanup: () => Promise<void> };
  let runId: string;
  before(async () => {
    requireBuild();
    home = await makeTempDir('loom-replay-home-');
    const repo = await makeRepo({
      'package.json': '{"name":"mathlib","private":true}\n',
      'src/sum.js': "function sum(xs) {\n  let total;\n  for (const x of xs) total = (total ?? 0) + x;\n  return total;\n}\n\nmodule.exports = { sum };\n",
      'src/index.js': "const { sum } = require('./sum');\n\nmodule.exports = {\n  sum,\n};\n",
      'test/sum.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { sum } = require('../src/sum');\ntest('empty', () => assert.equal(sum([]), 0));\n",
      'test/mean.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { mean } = require('../src/mean');\ntest('mean', () => assert.equal(mean([2, 4, 6]), 4));\n",
    });
    const run = await loom(['run', '--spec', join(DEMO, 'spec.md'), '--repo', repo.dir, '--simulate', join(DEMO, 'scenario-merge-fails.json'), '--loom-home', home.dir, '--yes']);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    runId = /Loom run (\S+):/.exec(run.stdout)![1];
  });
  after(async () => home?.cleanup());

  it('re-executes every agent from the recorded responses and finds the same steps and outcomes, with the same exit code', async () => {
    const replay = await loom(['replay', runId, '--loom-home', home.dir, '--yes']);
    assert.equal(replay.code, 3, replay.stdout + replay.stderr);
    assert.match(replay.stdout, /Replaying run \S+ as \S+-replay-\S+ from \d+ recorded model responses \(no model calls\)/);
    assert.match(replay.stdout, /Replay identical: 12 agents took the same \d+ steps, and every task ended the same way\./);
  });

  it('--fork-at N continues the run from event N with a live model, as a new run, leaving the recorded one as it was', async () => {
    const recordedPath = runPaths(home.dir, runId).journal;
    const recordedText = readFileSync(recordedPath, 'utf8');
    const recorded = readJournal(recordedPath).events;
    const firstDone = recorded.find((e) => e.type === 'task/didSucceed')!;
    const doneTask = firstDone.type === 'task/didSucceed' ? firstDone.taskId : '';
    const at = firstDone.seq;
    const fork = await loom(['replay', runId, '--fork-at', String(at), '--simulate', join(DEMO, 'scenario-merge-fails.json'), '--loom-home', home.dir, '--yes']);
    assert.equal(fork.code, 3, fork.stdout + fork.stderr);
    const forkId = new RegExp(`Forked run ${runId} at event ${at} into (${runId}-fork-[a-z0-9]+)`).exec(fork.stdout)?.[1];
    assert.ok(forkId, fork.stdout);
    const forked = readJournal(runPaths(home.dir, forkId).journal).events;
    assert.deepEqual(forked.slice(0, at + 1).map((e) => `${e.seq} ${e.type} ${e.ts}`), recorded.slice(0, at + 1).map((e) => `${e.seq} ${e.type} ${e.ts}`), 'the fork starts with the recorded events 0…N');
    assert.equal(forked[at + 1].type, 'run/didResume');
    assert.ok(!forked.slice(at + 1).some((e) => e.type === 'agent/didStart' && e.taskId === doneTask), `${doneTask} finished before event ${at}: it is not run again`);
    const statuses = (events: typeof recorded) => foldEvents(events).tasks.map((t) => `${t.task.id} ${t.status}`);
    assert.deepEqual(statuses(forked), statuses(recorded), 'the same model answers from there lead to the same task outcomes');
    assert.equal(readFileSync(recordedPath, 'utf8'), recordedText, 'the recorded run is untouched');
    const bad = await loom(['replay', runId, '--fork-at', '99999', '--simulate', join(DEMO, 'scenario.json'), '--loom-home', home.dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fork-at takes an event number from 0 to \d+/);
  });

  it('says where a replay diverges when the recording no longer matches what the agents do', async () => {
    // Change one recorded answer: the fix-sum implementor now reads a different file first.
    const journal = runPaths(home.dir, runId).journal;
    const lines = readFileSync(journal, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"model/didRespond"') && l.includes('"agentId":"impl-fix-sum-1"') && l.includes('read_file'));
    assert.ok(i >= 0);
    const event = JSON.parse(lines[i]) as { toolCalls: { name: string; arguments: string }[]; crc?: string };
    event.toolCalls[0] = { ...event.toolCalls[0], name: 'list_files', arguments: '{}' };
    delete event.crc; // an edited line without a checksum reads as an old-format line
    lines[i] = JSON.stringify(event);
    writeFileSync(journal, lines.join('\n'));
    const replay = await loom(['replay', runId, '--loom-home', home.dir, '--yes']);
    assert.equal(replay.code, 1, replay.stdout);
    // The agent now does what the edited answer says, not what the journal recorded it doing.
    assert.match(replay.stdout, /Replay DIVERGED at impl-fix-sum-1, step 2: recorded "tool read_file: ok", replayed "tool list_files: ok"\./);
  });

  it('--until N shows the run as it stood at event N (time travel)', async () => {
    const at = await loom(['replay', runId, '--loom-home', home.dir, '--until', '5']);
    assert.equal(at.code, 0, at.stderr);
    assert.match(at.stdout, /as it stood at event 5 of \d+:/);
    assert.match(at.stdout, /: (planning|running) \(0 of 0 tasks merged\)|: planning/);
    const bad = await loom(['replay', runId, '--loom-home', home.dir, '--until', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--until takes an event number/);
  });
});
