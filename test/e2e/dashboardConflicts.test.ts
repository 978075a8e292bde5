import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { foldEvents } from '../../extension/protocol/reduce';
import { hostMessages } from '../../extension/protocol/webviewMessages';
import { conflictRun } from '../unit/protocol/views/conflictRun';
import { useDashboardPage, type WithDocument, type WithHost } from './dashboardPage';

/**
 * The dashboard webview in a real browser (see dashboardPage.ts), conflicts: the conflict card and
 * what its answers post, hunks of large, binary, deleted and added files, and predicted, detected and
 * semantic conflicts in the plan (the run of issue 9).
 */
describe('dashboard webview (browser): conflicts', function () {
  const dash = useDashboardPage();
  const { events, open, send, posted, tab, shot, openWithRun } = dash;
  let page: Page;
  beforeEach(() => ({ page } = dash));

  it('"Take theirs" on the conflict posts escalation/resolve with its id and choice', async () => {
    await openWithRun();
    await tab('escalations');
    const card = page.locator('article.escalation-card[data-escalation="esc-2"]');
    await card.waitFor();
    // A small file is one hunk: base, ours and theirs, the lines each side adds marked as the overlap.
    assert.equal(await card.locator('.conflict-hunk').count(), 1);
    assert.equal(await card.locator('.conflict-hunk').getAttribute('data-conflict'), 'true');
    assert.equal(await card.locator('.side').count(), 3);
    assert.match((await card.locator('.side-theirs .code-line[data-mark="conflict"]').allTextContents()).join('\n'), /export \{ truncate \} from '\.\/truncate\.js';/);
    assert.match((await card.locator('.side-ours .code-line[data-mark="conflict"]').allTextContents()).join('\n'), /export \{ camelCase, kebabCase \}/);
    assert.match((await card.locator('.hunk-position').textContent()) ?? '', /Hunk 1 of 1/);
    assert.deepEqual(
      await card.locator('vscode-button').allTextContents(),
      ['Take ours', 'Take theirs', 'Hand to merge agent', 'Open merge editor'].map((t) => t),
    );
    await shot('escalation-conflict');

    await card.locator('vscode-button:has-text("Take theirs")').click();
    await page.waitForFunction(() => (globalThis as unknown as WithHost).__loomHost.posted.some((m) => m.type === 'escalation/resolve'));
    const resolves = (await posted()).filter((m) => m.type === 'escalation/resolve');
    assert.deepEqual(resolves, [{ type: 'escalation/resolve', escalationId: 'esc-2', choice: 'theirs' }]);
    await card.locator('.status-badge[data-status="sent"]').waitFor();
    assert.equal(await card.locator('vscode-button[disabled]').count(), 4);
    await shot('escalation-conflict-sent');

    // The journal confirms: the card shows the resolution and the buttons go away.
    const last = events[events.length - 1];
    await send(hostMessages.emit({ seq: last.seq + 1, ts: last.ts + 5000, type: 'escalation/didResolve', escalationId: 'esc-2', choice: 'theirs', by: 'user' }));
    await card.locator('.status-badge[data-status="resolved"]').waitFor();
    assert.equal(await card.locator('vscode-button').count(), 0);
  });

  describe('conflicts of issue 9', () => {
    const run = conflictRun();
    const all = foldEvents(run.events);

    it('the conflict card shows hunks of a large file, not whole files: it opens at the first conflicting hunk, the overlap marked, and what the merge agent tried and produced', async () => {
      await open();
      await send(hostMessages.snapshot(all, run.events));
      await page.waitForSelector('.run-header');
      await tab('escalations');
      const card = page.locator('article.escalation-card[data-escalation="esc-1"]');
      await card.waitFor();
      assert.match((await card.locator('.escalation-tried').textContent()) ?? '', /Tried first: A merge agent \(merger-esc-1-1\).*refused: test\/divide\.test\.js fails on it/);

      const calc = card.locator('.conflict-file[data-path="src/calc.js"]');
      assert.equal(await calc.getAttribute('data-hunks'), '2');
      assert.match((await calc.locator('.conflict-summary').textContent()) ?? '', /2 hunks, 1 conflicting · base 1200 lines, ours 1200 lines, theirs 1200 lines/);
      // Opened at the conflicting hunk (the second), with three lines of context each side: 7 lines per column, not 1,200.
      assert.match((await calc.locator('.hunk-position').textContent()) ?? '', /^Hunk 2 of 2$/);
      assert.match((await calc.locator('.hunk-range').textContent()) ?? '', /lines 897–903 of the merge base/);
      const hunk = calc.locator('.conflict-hunk');
      assert.equal(await hunk.getAttribute('data-conflict'), 'true');
      assert.deepEqual(await hunk.locator('.side').evaluateAll((sides) => sides.map((s) => s.className)), ['side side-base', 'side side-ours', 'side side-theirs', 'side side-merged']);
      for (const side of ['base', 'ours', 'theirs', 'merged']) assert.equal(await hunk.locator(`.side-${side} .code-line`).count(), 7, side);
      assert.equal(await calc.locator('.code-line').count(), 28);
      assert.deepEqual(await hunk.locator('.side-base .code-line[data-mark="overlap"] .ln').allTextContents(), ['900']);
      assert.match(await hunk.locator('.side-ours .code-line[data-mark="conflict"]').textContent() ?? '', /multiply = \(a, b\) => a \* b/);
      assert.match(await hunk.locator('.side-theirs .code-line[data-mark="conflict"]').textContent() ?? '', /divide = \(a, b\) => a \/ b/);
      assert.match(await hunk.locator('.side-merged .code-line[data-mark="changed"]').textContent() ?? '', /export const divide = \(a, b\) => a \* b/);
      assert.equal(await hunk.locator('.side-merged .side-head').textContent(), 'Merge agentwhat it produced');
      await shot('escalation-conflict-hunks');

      // The hunk before it: a change only ours made, not a conflict.
      await calc.locator('button[aria-label="Previous hunk"]').click();
      await calc.locator('.conflict-hunk[data-hunk="0"]').waitFor();
      assert.match((await calc.locator('.hunk-position').textContent()) ?? '', /^Hunk 1 of 2$/);
      assert.equal(await calc.locator('.conflict-hunk').getAttribute('data-conflict'), 'false');
      assert.match((await calc.locator('.side-ours .code-line[data-mark="changed"]').textContent()) ?? '', /tweak = 1; \/\/ ours only/);
      assert.equal(await calc.locator('.code-line[data-mark="conflict"], .code-line[data-mark="overlap"]').count(), 0);
      assert.equal(await calc.locator('button[aria-label="Previous hunk"]').isDisabled(), true);

      // A binary file says so instead of showing sides.
      const logo = card.locator('.conflict-file[data-path="assets/logo.png"]');
      assert.match((await logo.locator('.conflict-binary').textContent()) ?? '', /binary file/i);
      assert.equal(await logo.locator('.side').count(), 0);
      // A side that deleted the file: its column says so; the other side's change is the conflict.
      const old = card.locator('.conflict-file[data-path="src/old.js"]');
      assert.match((await old.locator('.side-ours .side-absent').textContent()) ?? '', /not on this side: deleted or renamed/);
      assert.deepEqual(await old.locator('.side-theirs .code-line[data-mark="conflict"] .lc').allTextContents(), ['export const kept = true;']);
      assert.deepEqual(await old.locator('.side-base .code-line[data-mark="overlap"] .ln').allTextContents(), ['25']);
      // Added on both sides with nothing in common: no base column to show, every line a conflict, 200 rows drawn until asked for all.
      const table = card.locator('.conflict-file[data-path="src/table.js"]');
      assert.match((await table.locator('.side-base').textContent()) ?? '', /not in the merge base: both sides added it/);
      assert.match((await table.locator('.hunk-range').textContent()) ?? '', /lines 1–600 of ours \(no merge base\)/);
      assert.equal(await table.locator('.side-theirs .code-line[data-mark="conflict"]').count(), 200);
      await table.locator('.side-theirs button.show-all-lines:has-text("Show all 600 lines (400 more)")').click();
      await page.waitForFunction(() => (globalThis as unknown as WithDocument).document.querySelectorAll('.conflict-file[data-path="src/table.js"] .side-theirs .code-line').length === 600);
      assert.equal(await table.locator('.side-ours .code-line').count(), 200);
      // The answers are still the card's only buttons of that kind.
      assert.equal(await card.locator('vscode-button').count(), 4);
    });

    it('predicted conflicts show live in the plan, go when cleared or merged; then tiers, semantic conflicts and a waiting task', async () => {
      await open();
      const cut = run.afterPredictions;
      await send(hostMessages.snapshot(foldEvents(run.events, cut), run.events.slice(0, cut + 1)));
      await page.waitForSelector('.run-header');
      await tab('plan');
      const predicted = page.locator('.conflicts-panel .conflict-row.predicted');
      await predicted.first().waitFor();
      assert.deepEqual(
        (await predicted.allTextContents()).map((t) => t.trim()),
        ['add-multiply × add-divide: predicted conflict in src/calc.js lines 3–7', 'add-divide × the integration branch: predicted conflict in src/index.js line 2'],
      );
      assert.match((await page.textContent('.run-header [data-stat="conflicts"]')) ?? '', /0\s*2 predicted/);
      assert.deepEqual(await page.locator('g.plan-node:has(.plan-node-predicted)').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-task')).sort()), ['add-divide', 'add-multiply']);
      assert.equal(await page.textContent('g.plan-node[data-task="add-divide"] .plan-node-predicted title'), 'Predicted conflict with add-multiply, the integration branch');
      await page.click('g.plan-node[data-task="add-multiply"]');
      assert.match((await page.textContent('.task-detail .task-prediction')) ?? '', /With add-divide: predicted conflict in src\/calc\.js lines 3–7/);
      await shot('dashboard-plan-predicted');

      // The next event clears one prediction; the rest of the run settles the other by a merge.
      await send(hostMessages.emit(run.events[cut + 1]));
      await page.waitForFunction(() => (globalThis as unknown as WithDocument).document.querySelectorAll('.conflict-row.predicted').length === 1);
      for (const event of run.events.slice(cut + 2)) await send(hostMessages.emit(event));
      await page.waitForSelector('.conflict-row.waiting');
      assert.equal(await predicted.count(), 0);
      assert.equal(await page.locator('.plan-node-predicted').count(), 0);
      assert.deepEqual(await page.locator('.conflict-row.detected').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-cause'))), ['textual', 'semantic']);
      assert.match((await page.textContent('.conflict-row.semantic')) ?? '', /semantic conflict: git merges them cleanly, but check node --test test\/sum\.test\.js fails/);
      assert.match((await page.textContent('.conflict-row.waiting')) ?? '', /add-mean waits on esc-1: its dependencies add-multiply and add-divide conflict/);
      assert.deepEqual(
        await page.locator('.tier-table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))),
        [
          ['auto-merge', '1', 'add-multiply'],
          ['merge agent', '1', 'fix-sum'],
          ['person', '1', 'docs'],
        ],
      );
      assert.equal(await page.textContent('.run-header [data-stat="merges"] dd'), '1 · 1 · 1auto · agent · person');
      assert.match((await page.textContent('.run-header [data-stat="conflicts"] dd')) ?? '', /^21 semantic$/);
      assert.equal(await page.getAttribute('g.plan-node[data-task="add-mean"]', 'data-status'), 'waiting');
      await page.click('g.plan-node[data-task="add-mean"]');
      assert.match((await page.textContent('.task-detail .task-waiting')) ?? '', /Waits on esc-1: its dependencies add-multiply and add-divide conflict/);
      await page.click('g.plan-node[data-task="fix-sum"]');
      assert.equal(await page.textContent('.task-detail .merged-by'), 'resolved by a merge agent');
      await shot('dashboard-plan-conflicts');
      // The waiting task's escalation is a click away.
      await page.click('.conflict-row.waiting a:has-text("esc-1")');
      await page.waitForSelector('vscode-tab-panel.tab-escalations article.escalation-card[data-escalation="esc-1"]');
    });
  });
});
