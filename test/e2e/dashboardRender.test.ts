import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { RunEvent } from '../../extension/protocol/events';
import { foldEvents } from '../../extension/protocol/reduce';
import { hostMessages } from '../../extension/protocol/webviewMessages';
import { useDashboardPage, type WithDocument } from './dashboardPage';

/**
 * The dashboard webview in a real browser (see dashboardPage.ts), showing a run: the empty state, the
 * recorded run in every tab, the same run streamed event by event, a long trace, and the light and
 * high-contrast themes.
 */
describe('dashboard webview (browser): showing a run', function () {
  const dash = useDashboardPage();
  const { events, finalState, open, send, posted, tab, shot, openWithRun } = dash;
  let page: Page;
  beforeEach(() => ({ page } = dash));

  it('shows an empty state before the host answers, and asks for a snapshot once', async () => {
    await open();
    await page.waitForSelector('.empty-state');
    assert.match(await page.textContent('.empty-state') ?? '', /No Loom run yet/);
    assert.deepEqual(await posted(), [{ type: 'webview/didReady' }]);
  });

  it('renders the recorded run: header, agents with their spend, plan, traces, spend, spec', async () => {
    await openWithRun();
    const header = (await page.textContent('.run-header')) ?? '';
    assert.match(header, /textkit/);
    assert.match(header, /run-7f3a2c/);
    assert.match(header, /Needs you/);
    assert.match(header, /3 \/ 4/);

    await tab('agents');
    const rows = page.locator('tr.agent-row');
    assert.equal(await rows.count(), finalState.agents.length);
    const slug = page.locator('tr.agent-row[data-agent="impl-slugify-1"]');
    assert.match((await slug.textContent()) ?? '', /22k/); // 20,461 in + 1,775 out
    assert.match((await slug.textContent()) ?? '', /\$0\.011/); // gpt-4.1-mini price
    const local = page.locator('tr.agent-row[data-agent="impl-case-conversion-1"]');
    assert.match((await local.textContent()) ?? '', /unpriced/); // no price for a local model: never $0
    assert.match((await local.textContent()) ?? '', /98%/); // 43,087 of 44,000 tokens
    assert.match((await page.textContent('.agents-view .view-toolbar')) ?? '', /3 implementors in parallel/);
    await shot('dashboard-agents');

    await tab('plan');
    assert.equal(await page.locator('g.plan-node').count(), 4);
    assert.equal(await page.locator('path.plan-edge').count(), 2);
    assert.equal(await page.getAttribute('g.plan-node[data-task="package-entry"]', 'data-status'), 'conflicted');
    await page.click('g.plan-node[data-task="truncate"]');
    await page.waitForSelector('.task-detail >> text=branch: 0/3 runs passed');
    await shot('dashboard-plan');

    await tab('traces');
    await page.click('.agent-list-item[data-agent="impl-slugify-1"]');
    const traceRows = page.locator('.trace-row');
    assert.equal(await traceRows.count(), 12);
    await page.click('.trace-row[data-kind="modelError"]');
    await page.waitForSelector('.trace-detail >> text=rateLimited');
    await page.click('.trace-row[data-kind="tool"] >> nth=1');
    await page.waitForSelector('.trace-detail >> text=test/slugify.test.js');
    await shot('dashboard-traces');

    await tab('spend');
    assert.equal(await page.locator('g.series').count(), finalState.agents.filter((a) => a.modelCalls > 0).length);
    assert.equal(await page.locator('.spend-table tbody tr').count(), finalState.agents.length);
    await shot('dashboard-spend');
    await page.click('vscode-button:has-text("Cost")');
    await page.waitForSelector('.chart-note >> text=impl-case-conversion-1');
    await shot('dashboard-spend-cost');

    await tab('spec');
    assert.equal(await page.locator('.requirement').count(), 4);
    assert.equal(await page.getAttribute('.requirement[data-requirement="R4"] .status-badge', 'data-status'), 'atRisk');
    await shot('dashboard-spec');
  });

  it('folds streamed events with the shared reducer to the same numbers as the snapshot', async () => {
    await open();
    const cut = 40;
    await send(hostMessages.snapshot(foldEvents(events, cut), events.slice(0, cut + 1)));
    await tab('agents');
    await page.waitForSelector('tr.agent-row.running');
    assert.equal(await page.locator('tr.agent-row.running').count(), 3); // three implementors in parallel
    await shot('dashboard-agents-midrun');
    for (const event of events.slice(cut + 1)) await send(hostMessages.emit(event));
    await page.waitForFunction((n) => (globalThis as unknown as WithDocument).document.querySelectorAll('tr.agent-row').length === n, finalState.agents.length);
    await tab('agents');
    for (const agent of finalState.agents) {
      const text = (await page.textContent(`tr.agent-row[data-agent="${agent.agentId}"]`)) ?? '';
      assert.match(text, new RegExp(`${agent.modelCalls} / ${agent.toolCalls}`), agent.agentId);
    }
    assert.match((await page.textContent('.run-header')) ?? '', /Needs you/);
  });

  it('virtualizes a long trace: only the visible rows are in the DOM', async () => {
    await open();
    const last = events[events.length - 1];
    const agent = finalState.agents.find((a) => a.agentId === 'impl-slugify-1')!;
    const many: RunEvent[] = Array.from({ length: 3000 }, (_, i) => ({
      seq: last.seq + 1 + i,
      ts: last.ts + (i + 1) * 10,
      type: 'tool/didCall',
      agentId: agent.agentId,
      taskId: 'slugify',
      turn: 6 + Math.floor(i / 3),
      server: 'loom',
      tool: i % 2 ? 'read_file' : 'search',
      callId: `call_bulk_${i}`,
      startedAt: last.ts + i * 10,
      durationMs: 8,
      ok: true,
      summary: `result ${i}`,
    }));
    const all = [...events, ...many];
    await send(hostMessages.snapshot(foldEvents(all), all));
    await page.waitForSelector('.run-header');
    await tab('traces');
    await page.click('.agent-list-item[data-agent="impl-slugify-1"]');
    await page.waitForSelector('.trace-row');
    assert.match((await page.textContent('.agent-list-item[data-agent="impl-slugify-1"]')) ?? '', /3012/);
    const rendered = await page.locator('.trace-row').count();
    assert.ok(rendered > 5 && rendered < 80, `rendered ${rendered} rows of 3012`);
    await page.locator('.trace-timeline').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForSelector('.trace-row >> text=+2:')
    await page.locator('.trace-row').last().click();
    await page.waitForSelector('.trace-detail >> text=result 2999');
  });

  for (const theme of ['light', 'hc']) {
    it(`renders in the ${theme === 'hc' ? 'high-contrast' : 'light'} theme`, async () => {
      await open(theme);
      await send(hostMessages.snapshot(finalState, events));
      await tab('escalations');
      await shot(`escalation-conflict-${theme}`);
      await tab('plan');
      await shot(`dashboard-plan-${theme}`);
    });
  }
});
