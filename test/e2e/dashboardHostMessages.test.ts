import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { RunEvent } from '../../extension/protocol/events';
import { foldEvents } from '../../extension/protocol/reduce';
import { hostMessages } from '../../extension/protocol/webviewMessages';
import { useDashboardPage, type WithHost } from './dashboardPage';

/**
 * The dashboard webview in a real browser (see dashboardPage.ts), its messages with the host: what
 * findings, files and diffs post, malformed messages, a gap in the events, and a reload restored
 * from the webview's state.
 */
describe('dashboard webview (browser): messages with the host', function () {
  const dash = useDashboardPage();
  const { events, finalState, open, send, posted, tab, openWithRun } = dash;
  let page: Page;
  let warnings: string[];
  beforeEach(() => ({ page, warnings } = dash));

  it('findings, files and diffs post finding/review, file/open and diff/open', async () => {
    await openWithRun();
    await tab('plan');
    await page.click('g.plan-node[data-task="case-conversion"]');
    const finding = page.locator('li.finding[data-rule="scope/outside"]');
    await finding.locator('vscode-button:has-text("Dismiss")').click();
    await finding.locator('a.file-link').click();
    await page.click('.task-detail vscode-button:has-text("Open diff")');
    await page.waitForFunction(() => (globalThis as unknown as WithHost).__loomHost.posted.length >= 4);
    assert.deepEqual((await posted()).slice(1), [
      { type: 'finding/review', taskId: 'case-conversion', index: 0, decision: 'dismissed' },
      { type: 'file/open', path: 'src/index.js', line: 2 },
      { type: 'diff/open', taskId: 'case-conversion' },
    ]);
    assert.match((await finding.getAttribute('class')) ?? '', /reviewed-dismissed/);
  });

  it('ignores malformed host messages without breaking the page', async () => {
    await openWithRun();
    await tab('agents');
    const before = await page.textContent('.agents-table');
    const last = events[events.length - 1];
    const garbage: unknown[] = [
      'state/didSnapshot',
      null,
      42,
      [],
      {},
      { type: 'run/didExplode' },
      { type: 'state/didSnapshot' },
      { type: 'state/didSnapshot', state: { runId: 5 } },
      { type: 'run/didEmit' },
      { type: 'run/didEmit', event: { seq: last.seq + 1, ts: 1, type: 'task/didStart' } },
      { type: 'run/didEmit', event: { seq: 'x', ts: 1, type: 'escalation/didResolve', escalationId: 'esc-2', choice: 'ours', by: 'user' } },
      { type: 'run/didEmit', event: { seq: last.seq + 1, ts: 1, type: 'model/didRespond', agentId: 'impl-slugify-1', usage: { inputTokens: -5 } } },
    ];
    for (const message of garbage) await send(message);
    const dropped = () => warnings.filter((w) => w.startsWith('[loom] dropped host message'));
    for (let waited = 0; dropped().length < garbage.length && waited < 5000; waited += 50) await page.waitForTimeout(50);
    assert.equal(await page.textContent('.agents-table'), before);
    assert.equal(dropped().length, garbage.length, warnings.join('\n'));
    // Still alive: a valid event after the garbage is folded.
    const resolve: RunEvent = { seq: last.seq + 1, ts: last.ts + 1000, type: 'escalation/didResolve', escalationId: 'esc-2', choice: 'ours', by: 'user' };
    await send(hostMessages.emit(resolve));
    await tab('escalations');
    await page.locator('article[data-escalation="esc-2"] .status-badge[data-status="resolved"]').waitFor();
  });

  it('after a gap in events it asks for a snapshot again and shows that it is catching up', async () => {
    await open();
    await send(hostMessages.snapshot(foldEvents(events, 50), events.slice(0, 51)));
    await page.waitForSelector('.run-header');
    await send(hostMessages.emit(events[80]));
    await page.waitForSelector('.stale-banner');
    assert.deepEqual(
      (await posted()).map((m) => m.type),
      ['webview/didReady', 'webview/didReady'],
    );
    await send(hostMessages.snapshot(finalState, events));
    await page.waitForSelector('.stale-banner', { state: 'detached' });
  });

  it('restores from vscode state after a reload, before the host answers', async () => {
    await openWithRun();
    await tab('spend');
    await page.waitForFunction(() => {
      const saved = (globalThis as unknown as WithHost).__loomHost.savedState() as { ui?: { tab?: string } } | undefined;
      return saved?.ui?.tab === 'spend';
    });
    await page.reload();
    await page.waitForSelector('vscode-tab-panel.tab-spend .spend-view');
    assert.equal(await page.locator('.spend-table tbody tr').count(), finalState.agents.length);
    assert.equal((await posted()).filter((m) => m.type === 'webview/didReady').length, 1);
  });
});
