import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { RunEvent } from '../../../extension/protocol/events';
import { cliDrillHost, drillTable } from '../../../extension/cli/drillCommand';
import { topologyCollapse } from '../../../extension/engine/drills/topologyCollapse';
import { drillContext, runDrills } from '../../../extension/engine/drills/runDrills';
import { makeTempDir } from '../../fixtures/gitRepo';
import { requireBuild } from '../engine/run/runHarness';

/** A drill holds only when the journal shows what DESIGN.md promises: the same checker on a journal that lacks it says ✗. */
describe('drill expectations (a real run of drill 10, then its journal with events taken out)', function () {
  this.timeout(180_000);
  let events: RunEvent[];
  let work: { dir: string; cleanup: () => Promise<void> };

  before(async () => {
    requireBuild();
    work = await makeTempDir('loom-drill-test-');
    events = (await topologyCollapse.exercise(drillContext(work.dir, cliDrillHost(() => undefined)))).events;
  });
  after(async () => {
    await work?.cleanup();
  });

  const without = (drop: (e: RunEvent) => boolean) => ({ events: events.filter((e) => !drop(e)) });

  it('holds on the real journal', () => {
    const verdict = topologyCollapse.judge({ events });
    assert.equal(verdict.holds, true, verdict.produced);
    assert.match(verdict.produced, /root failed, child blocked, grandchild blocked, solo merged/);
  });

  it('does not hold when the independent task never merged', () => {
    const verdict = topologyCollapse.judge(without((e) => e.type === 'merge/didMerge' && e.taskId === 'solo'));
    assert.equal(verdict.holds, false);
    assert.match(verdict.produced, /not as expected: the independent task merged/);
  });

  it('does not hold when a descendant was not blocked', () => {
    const verdict = topologyCollapse.judge(without((e) => e.type === 'task/didBlock' && e.taskId === 'grandchild'));
    assert.equal(verdict.holds, false);
    assert.match(verdict.produced, /not as expected: exactly its descendants are blocked/);
  });

  it('the runner reports a drill that does not hold, or cannot run, as ✗ and still removes its folder', async () => {
    let folder = '';
    const results = await runDrills(
      [
        { mode: 10, name: 'topology collapse', expected: topologyCollapse.expected, perform: async () => topologyCollapse.judge(without((e) => e.type === 'merge/didMerge')) },
        {
          mode: 4,
          name: 'infinite loops',
          expected: 'a loop is stopped',
          perform: async (ctx) => {
            folder = ctx.dir;
            throw new Error('the simulator would not start');
          },
        },
      ],
      cliDrillHost(() => undefined),
      { keep: false, concurrency: 1 },
    );
    assert.deepEqual(results.map((r) => r.holds), [false, false]);
    assert.match(results[1].produced, /the drill could not run: the simulator would not start/);
    assert.equal(existsSync(folder), false);
    const table = drillTable(results);
    assert.match(table[2], /^\| 10 \| topology collapse \| .* \| ✗ \|$/);
    assert.match(table[3], /^\| 4 \| infinite loops \| a loop is stopped \| the drill could not run: the simulator would not start \| ✗ \|$/);
  });
});
