import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { requireBuild } from '../engine/run/runHarness';
import { loom } from './loomCli';

const drillDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('loom-drill-'));
const drillProcesses = () =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('loom-drill-') && !line.includes(' ps -eo'));

describe('loom drill (the built CLI)', function () {
  this.timeout(900_000);
  before(requireBuild);

  it('explains itself with --help, listing the twelve failure modes', async () => {
    const { code, stdout } = await loom(['drill', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /Usage: loom drill \[N\.\.\.\]/);
    for (const name of ['error propagation', 'non-determinism', 'state corruption', 'infinite loops', 'cost explosion', 'context exhaustion', 'retry complexity', 'HITL bypass', 'observability collapse', 'topology collapse', 'collusive validation', 'reward hacking']) {
      assert.ok(stdout.includes(name), `--help names ${name}`);
    }
  });

  it('refuses a drill that does not exist with exit 2 and a sentence, not a stack trace', async () => {
    for (const arg of ['13', '0', 'two']) {
      const { code, stdout, stderr } = await loom(['drill', arg]);
      assert.equal(code, 2, arg);
      assert.equal(stdout, '');
      assert.match(stderr, new RegExp(`loom drill: there is no drill "${arg}": drills are numbered 1 to 12`));
      assert.doesNotMatch(stderr, /\n\s+at /);
    }
  });

  it('keeps a drill\'s folder with --keep: its repository and the run\'s journal are there to inspect', async () => {
    const { code, stdout } = await loom(['drill', '8', '--keep']);
    assert.equal(code, 0, stdout);
    const kept = /kept (\S+)/.exec(stdout)?.[1];
    assert.ok(kept && existsSync(kept), stdout);
    try {
      const runs = join(kept, 'home', 'runs');
      assert.equal(readdirSync(runs).filter((run) => existsSync(join(runs, run, 'journal.jsonl'))).length, 1);
      assert.ok(readdirSync(kept).some((name) => name.startsWith('repo-')));
    } finally {
      rmSync(kept, { recursive: true, force: true });
    }
  });

  it('reproduces all twelve failure modes: 12/12 hold, exit 0, and nothing is left behind', async () => {
    const dirsBefore = new Set(drillDirs());
    const started = Date.now();
    const { code, stdout, stderr } = await loom(['drill']);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    const rows = stdout.split('\n').filter((line) => /^\| \d+ \|/.test(line));
    assert.deepEqual(
      rows.map((row) => Number(/^\| (\d+) \|/.exec(row)![1])),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    );
    assert.ok(rows.every((row) => row.endsWith('| ✓ |')), stdout);
    assert.match(stdout, /^12\/12 drills hold \(/m);
    console.log(`      loom drill: 12/12 in ${seconds.toFixed(1)} s`);
    assert.deepEqual(drillDirs().filter((d) => !dirsBefore.has(d)), [], 'every drill folder is removed without --keep');
    assert.deepEqual(drillProcesses(), [], 'no process of a drill outlives it');
  });
});
