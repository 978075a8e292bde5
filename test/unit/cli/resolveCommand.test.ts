import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, requireBuild } from '../engine/run/runHarness';
import { createDemoRepo } from '../../../extension/cli/demoRepo';
import { readJournal } from '../../../extension/engine/journal/journalReader';
import { runPaths } from '../../../extension/engine/run/runPaths';
import { loom } from './loomCli';

const DEMO = join(ROOT, 'examples', 'demo');

/**
 * `loom resolve` after a crash left the journal damaged (issue 8: a torn tail followed by `resolve`
 * made the journal unreadable; a duplicated line doubled tokens; a corrupt line gave a stack trace).
 */
describe('loom resolve on a damaged journal (built CLI, demo run)', function () {
  this.timeout(240_000);
  let root: string;
  before(requireBuild);
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('warns with line numbers, seals the torn tail, continues the sequence, and status reads the result', async () => {
    const demo = await createDemoRepo(join(DEMO, 'repo'));
    root = demo.root;
    const home = join(root, 'loom-home');
    const run = await loom(['run', '--spec', join(DEMO, 'spec.md'), '--repo', demo.repo, '--simulate', join(DEMO, 'scenario-merge-fails.json'), '--loom-home', home, '--allow', 'node', '--policy', join(DEMO, 'policy.json')]);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const runId = /Loom run (\S+):/.exec(run.stdout)![1];
    const journal = runPaths(home, runId).journal;
    const whole = readJournal(journal).events;

    // A duplicated model response, a tool call with a flipped byte, and a record torn mid-write.
    const lines = readFileSync(journal, 'utf8').split('\n');
    const response = lines.findIndex((l) => l.includes('"type":"model/didRespond"'));
    const tool = lines.findIndex((l) => l.includes('"type":"tool/didCall"'));
    lines[tool] = lines[tool].replace('"tool":"', '"tool":"x');
    lines.splice(response + 1, 0, lines[response]);
    writeFileSync(journal, lines.join('\n'));
    appendFileSync(journal, `{"seq":${whole.length},"ts":1,"type":"escalation/didRes`);
    const tornLine = lines.length;
    const expected = [
      `  line ${tool + 2}: corrupt: checksum mismatch`,
      `  line ${response + 2}: duplicate: a copy of line ${response + 1}`,
      `  line ${tornLine}: torn: a record cut off after`,
    ];

    const resolved = await loom(['resolve', runId, 'esc-1', '--choice', 'ours', '--loom-home', home]);
    assert.equal(resolved.code, 0, resolved.stdout + resolved.stderr);
    assert.equal(resolved.stderr, '');
    assert.match(resolved.stdout, /^Warning: 3 lines of the journal .* were skipped \(1 torn, 1 corrupt, 1 duplicate\)/m);
    for (const line of expected) assert.ok(resolved.stdout.includes(line), `${line}\n${resolved.stdout}`);

    const after = readJournal(journal);
    assert.deepEqual(after.problems.map((p) => [p.line, p.kind]).sort(), [
      [response + 2, 'duplicate'],
      [tool + 2, 'corrupt'],
      [tornLine, 'torn'],
    ].sort());
    const added = after.events.slice(whole.length - 1);
    assert.ok(added.length > 0);
    assert.deepEqual(added.map((e) => e.seq), added.map((_, i) => whole.length + i), 'the sequence continues after the last whole record');
    assert.ok(added.some((e) => e.type === 'escalation/didResolve'));

    const status = await loom(['status', runId, '--loom-home', home]);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /: succeeded \(4 of 4 tasks merged\)/);
    for (const line of expected) assert.ok(status.stdout.includes(line), `${line}\n${status.stdout}`);
  });
});
