import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { formatReport } from '../../extension/engine/run/report';
import { foldEvents } from '../../extension/protocol/reduce';
import { traceItemsByAgent } from '../../extension/protocol/views/traceItems';
import { hostMessages } from '../../extension/protocol/webviewMessages';
import { useDashboardPage, type WithDocument } from './dashboardPage';

/**
 * The dashboard webview in a real browser (see dashboardPage.ts), time travel: the timeline folds
 * every view to an earlier event, by keyboard and by mouse, only once it has the whole journal, and
 * Live follows the run again.
 */
describe('dashboard webview (browser): time travel', function () {
  const dash = useDashboardPage();
  const { events, finalState, open, send, tab, shot, openWithRun } = dash;
  let page: Page;
  beforeEach(() => ({ page } = dash));

  it('time travel: the timeline folds every view to event N, by keyboard, and Live follows the run again', async () => {
    await openWithRun();
    const slider = page.locator('input.timeline-slider');
    assert.equal(await slider.getAttribute('max'), String(finalState.lastSeq));
    assert.match((await page.textContent('.timeline-position')) ?? '', /^Live · event 192 of 192/);

    /** Move the slider with the keyboard, as a person without a mouse would: Home, then one step at a time. */
    async function goTo(n: number): Promise<void> {
      await slider.focus();
      await page.keyboard.press('Home');
      for (let i = 0; i < n; i++) await page.keyboard.press('ArrowRight');
      await page.waitForSelector(`.timeline-position[data-seq="${n}"]`);
    }
    /** The CLI report's total cost line for the same fold: what the header must show. */
    const reportCost = (n: number) => /total\s+\d+ in\s+\d+ out\s+(.+)$/m.exec(formatReport(foldEvents(events, n)))?.[1].trim();

    // Event 80: just after truncate's first verification failed, slugify is being verified, case-conversion still runs.
    const n = 80;
    const atN = foldEvents(events, n);
    await goTo(n);
    assert.match((await page.textContent('.timeline-position')) ?? '', /^At event 80 of 192 · \+\d+:\d\d · lease\/didRemove/);
    assert.equal(await page.textContent('.run-header [data-stat="cost"] dd'), reportCost(n));
    assert.notEqual(reportCost(n), reportCost(finalState.lastSeq));
    assert.match((await page.textContent('.run-header')) ?? '', /Running/);
    assert.equal(await page.textContent('.run-header [data-stat="tasks"] dd'), '0 / 4');

    await tab('plan');
    for (const t of atN.tasks) assert.equal(await page.getAttribute(`g.plan-node[data-task="${t.task.id}"]`, 'data-status'), t.status, t.task.id);
    assert.equal(await page.getAttribute('g.plan-node[data-task="case-conversion"]', 'data-status'), 'running'); // merged in the end
    await page.click('g.plan-node[data-task="truncate"]');
    assert.equal(await page.locator('.task-detail li.finding').count(), 2); // the failed verification's findings, replaced later
    assert.equal(await page.locator('.task-detail li.finding vscode-button[disabled]').count(), 4, 'no decisions on a past moment');

    await tab('agents');
    assert.equal(await page.locator('tr.agent-row').count(), atN.agents.length);
    assert.equal(await page.locator('tr.agent-row.running').count(), atN.agents.filter((a) => a.status === 'running').length);
    assert.ok(atN.agents.length < finalState.agents.length);

    await tab('traces');
    await page.click('.agent-list-item[data-agent="impl-case-conversion-1"]');
    const upToN = events.slice(0, n + 1);
    assert.equal(await page.locator('.trace-row').count(), traceItemsByAgent(atN, upToN).get('impl-case-conversion-1')!.length);
    assert.ok(traceItemsByAgent(atN, upToN).get('impl-case-conversion-1')!.length < traceItemsByAgent(finalState, events).get('impl-case-conversion-1')!.length);

    await tab('spend');
    assert.equal(await page.locator('.spend-table tbody tr').count(), atN.agents.length);
    await tab('escalations');
    assert.match((await page.textContent('.empty-state')) ?? '', /Nothing needs you/);
    await shot('dashboard-timeline-past');

    // Event 145: the approval esc-1 is open (answered at 159); it cannot be answered from the past.
    await goTo(145);
    const card = page.locator('article.escalation-card[data-escalation="esc-1"]');
    await card.waitFor();
    assert.equal(await card.getAttribute('class'), 'escalation-card open');
    assert.equal(await card.locator('vscode-button').count(), await card.locator('vscode-button[disabled]').count());
    assert.match((await card.textContent()) ?? '', /go Live to answer/);
    assert.equal(await page.textContent('.run-header [data-stat="cost"] dd'), reportCost(145));

    // Escape on the slider, like the Live button, follows the run again.
    await slider.focus();
    await page.keyboard.press('Escape');
    await page.waitForSelector('.timeline.is-live');
    await goTo(10);
    await page.click('vscode-button.timeline-live');
    await page.waitForSelector('.timeline.is-live');
    assert.match((await page.textContent('.timeline-position')) ?? '', /^Live/);
    assert.equal(await page.textContent('.run-header [data-stat="cost"] dd'), reportCost(finalState.lastSeq));
    await tab('escalations');
    await card.locator('.status-badge[data-status="resolved"]').waitFor();
    assert.equal(await page.locator('article.escalation-card[data-escalation="esc-2"] vscode-button[disabled]').count(), 0);
    await tab('plan');
    assert.equal(await page.getAttribute('g.plan-node[data-task="case-conversion"]', 'data-status'), 'merged');
  });

  it('time travel by dragging the slider with the mouse shows the fold at the event it stops on', async () => {
    await openWithRun();
    const box = (await page.locator('input.timeline-slider').boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width - 4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, y, { steps: 12 });
    await page.mouse.up();
    await page.waitForSelector('.timeline.is-past');
    const n = Number(await page.getAttribute('.timeline-position', 'data-seq'));
    assert.ok(n > 20 && n < 120, `stopped at event ${n}`);
    const atN = foldEvents(events, n);
    const cost = /total\s+\d+ in\s+\d+ out\s+(.+)$/m.exec(formatReport(atN))?.[1].trim();
    assert.equal(await page.textContent('.run-header [data-stat="cost"] dd'), cost);
    assert.equal(await page.textContent('.run-header [data-stat="agents"] dd'), `${atN.agents.length}${atN.agents.some((a) => a.status === 'running') ? `${atN.agents.filter((a) => a.status === 'running').length} running` : ''}`);
  });

  it('time travel waits for the whole journal, and live events do not move the past it shows', async () => {
    await open();
    // A panel restored with only the end of a long journal cannot fold the beginning again.
    await send(hostMessages.snapshot(foldEvents(events, 120), events.slice(30, 121)));
    await page.waitForSelector('.run-header');
    assert.equal(await page.getAttribute('input.timeline-slider', 'disabled'), '');
    await send(hostMessages.snapshot(foldEvents(events, 120), events.slice(0, 121)));
    await page.waitForSelector('input.timeline-slider:not([disabled])');
    await page.locator('input.timeline-slider').focus();
    await page.keyboard.press('Home');
    await page.waitForSelector('.timeline-position[data-seq="0"]');
    const before = await page.textContent('.run-header');
    for (const event of events.slice(121)) await send(hostMessages.emit(event));
    await page.waitForFunction((max) => (globalThis as unknown as WithDocument).document.querySelector('input.timeline-slider')?.getAttribute('max') === max, String(finalState.lastSeq));
    assert.equal(await page.textContent('.run-header'), before, 'the past shown does not change');
    await page.click('vscode-button.timeline-live');
    await page.waitForSelector('.run-header >> text=Needs you');
  });
});
