import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventsOf, requireBuild, specWith, waitFor } from '../engine/run/runHarness';
import { heavyScenario } from '../engine/run/runLimitsHarness';
import { loom as loomOnce, loomLive as loom } from './loomCli';
import { readJournal } from '../../../extension/engine/journal/journalReader';
import { runPaths } from '../../../extension/engine/run/runPaths';
import { makeRepo, makeTempDir, type TempRepo } from '../../fixtures/gitRepo';

describe('loom CLI: run budgets and the price table', function () {
  this.timeout(180_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let files: { dir: string; cleanup: () => Promise<void> };

  before(requireBuild);
  beforeEach(async () => {
    repo = await makeRepo({ 'src/.keep': '', 'SPEC.md': specWith(['spendy']) });
    home = await makeTempDir('loom-cli-limits-home-');
    files = await makeTempDir('loom-cli-limits-files-');
  });
  afterEach(async () => {
    await repo.cleanup();
    await home.cleanup();
    await files.cleanup();
  });

  const file = (name: string, content: unknown) => {
    const path = join(files.dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const run = (...extra: string[]) =>
    loom(['run', '--spec', join(repo.dir, 'SPEC.md'), '--repo', repo.dir, '--simulate', file('scenario.json', heavyScenario()), '--loom-home', home.dir, ...extra]);

  it('rejects a bad --prices file with exit code 2, naming the file and the bad entry, before anything starts', async () => {
    const prices = file('prices.json', { 'gpt-4.1': { input: 2, output: 8 }, 'my-model': { input: 'cheap', output: 1 }, 'odd**': { input: 1, output: 1 } });
    const { code, stdout, stderr } = await run('--prices', prices).done;
    assert.equal(code, 2, stdout + stderr);
    assert.match(stderr, /^loom run: the price file .*prices\.json is not a valid price table \(see docs\/budgets\.md\):\n {2}my-model\.input: must be dollars per million input tokens\n {2}odd\*\*: must be a model name, or a prefix ending in a single \*\n\(loom run --help describes its arguments and flags\)\n$/);
    assert.doesNotMatch(stderr, /\bat .*\.js:\d+/, 'no stack trace');
    assert.equal(existsSync(join(home.dir, 'runs')), false, 'no run was created');
    assert.match((await run('--prices', join(files.dir, 'missing.json')).done).stderr, /cannot read the price file .*missing\.json: no such file/);
    assert.match((await run('--run-usd', 'lots').done).stderr, /--run-usd takes an amount of dollars above 0 \(e\.g\. 2\.50\), not "lots"/);
  });

  it('--prices overrides LOOM_HOME/prices.json, which overrides the defaults; loom resolve RUN budget-1 extend lets a run past its --run-budget', async () => {
    writeFileSync(join(home.dir, 'prices.json'), JSON.stringify({ 'loom-sim*': { input: 10, output: 40 }, 'house-model': { input: 3, output: 6 } }));
    const live = run('--prices', file('prices.json', { 'loom-sim*': { input: 100, output: 400 } }), '--run-budget', '12000');
    await waitFor(() => /ESCALATION budget-1: /.test(live.output()), 120_000);
    const runId = /run (\S+) on /.exec(live.output())![1];
    assert.match(live.output(), /ESCALATION budget-1: the run used \d+ tokens of its 12000 tokens budget\. Extend it \(give the run 12000 tokens more\), or stop\?/);
    const wrong = await loomOnce(['resolve', runId, 'budget-1', 'approve', '--loom-home', home.dir]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /budget-1 is answered with extend or stop/);
    const answered = await loomOnce(['resolve', runId, 'budget-1', 'extend', '--loom-home', home.dir]);
    assert.equal(answered.code, 0, answered.stdout + answered.stderr);
    const { code, stdout, stderr } = await live.done;
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /budget-1 answered: extend \(cli\)/);

    const events = readJournal(runPaths(home.dir, runId).journal).events;
    const prices = eventsOf(events, 'run/didStart')[0].settings?.prices ?? {};
    assert.deepEqual(prices['loom-sim*'], { input: 100, output: 400 }, 'the flag wins');
    assert.deepEqual(prices['house-model'], { input: 3, output: 6 }, 'LOOM_HOME/prices.json adds its own');
    assert.deepEqual(prices['gpt-4.1-nano*'], { input: 0.1, output: 0.4, cachedInput: 0.025 }, 'the defaults stay');
  });
});
