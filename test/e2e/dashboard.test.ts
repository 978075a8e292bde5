import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunEvent } from '../../extension/protocol/events';
import { formatReport } from '../../extension/engine/run/report';
import { foldEvents } from '../../extension/protocol/reduce';
import { traceItemsByAgent } from '../../extension/protocol/views/traceItems';
import { hostMessages } from '../../extension/protocol/webviewMessages';
import { conflictRun } from '../unit/protocol/views/conflictRun';
import { loadRecordedRun } from '../unit/webview/recordedRun';
import { launchBrowser } from './browser';
import { buildWebview, REPO_ROOT } from './buildWebview';
import { startStaticServer, type StaticServer } from './staticServer';

/** The fake host of fixtures/fakeHost.js, as seen from page.evaluate. */
interface FakeHost {
  posted: { type: string; [key: string]: unknown }[];
  send(message: unknown): void;
  savedState(): unknown;
  clearState(): void;
}
type WithHost = { __loomHost: FakeHost };
/** The page's document as a predicate sees it (the tests compile without the DOM's types). Predicates are functions:
 * a string one is eval'ed in the page when it has to be polled, which the page's CSP refuses. */
type WithDocument = { document: { querySelectorAll(selector: string): { length: number }; querySelector(selector: string): { getAttribute(name: string): string | null } | null } };

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

describe('dashboard webview (browser)', function () {
  const events = loadRecordedRun();
  const finalState = foldEvents(events);
  let server: StaticServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let problems: string[];
  let warnings: string[];

  before(async () => {
    const distDir = await buildWebview();
    await mkdir(SCREENSHOTS, { recursive: true });
    server = await startStaticServer({ pageDir: path.join(__dirname, 'fixtures'), distDir });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    page = await browser.context.newPage();
    problems = [];
    warnings = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
      if (msg.type() === 'warning') warnings.push(msg.text());
    });
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
    });
  });

  afterEach(async () => {
    await page.evaluate(() => (globalThis as unknown as WithHost).__loomHost.clearState()).catch(() => {});
    await page.close();
    assert.deepEqual(problems, [], 'no page errors, console errors (CSP included) or failed requests');
  });

  async function open(theme = 'dark'): Promise<void> {
    await page.goto(`${server.url}/dashboard.html?theme=${theme}`);
    await page.waitForFunction(() => (globalThis as unknown as WithHost).__loomHost.posted.some((m) => m.type === 'webview/didReady'));
  }

  async function send(message: unknown): Promise<void> {
    await page.evaluate((m) => (globalThis as unknown as WithHost).__loomHost.send(m), message);
  }

  async function posted(): Promise<FakeHost['posted']> {
    return page.evaluate(() => (globalThis as unknown as WithHost).__loomHost.posted);
  }

  async function tab(id: string): Promise<void> {
    await page.click(`vscode-tab-header[data-tab="${id}"]`);
    await page.waitForSelector(`vscode-tab-panel.tab-${id} .view, vscode-tab-panel.tab-${id} .empty-state`);
  }

  async function shot(name: string): Promise<void> {
    // Let web components settle and fonts load before the picture.
    await page.evaluate('document.fonts.ready.then(() => true)');
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  }

  async function openWithRun(): Promise<void> {
    await open();
    await send(hostMessages.snapshot(finalState, events));
    await page.waitForSelector('.run-header');
  }

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
