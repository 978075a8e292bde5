import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { foldEvents } from '../../extension/protocol/reduce';
import { runSummaryOf as summary } from '../fixtures/runSummary';
import { hostMessages } from '../../extension/protocol/webviewMessages';
import { loadRecordedRun } from '../unit/webview/recordedRun';
import { launchBrowser } from './browser';
import { buildWebview, REPO_ROOT } from './buildWebview';
import { startStaticServer, type StaticServer } from './staticServer';

interface FakeHost {
  posted: { type: string; [key: string]: unknown }[];
  send(message: unknown): void;
  clearState(): void;
}
type WithHost = { __loomHost: FakeHost };


/**
 * The dashboard's run list (the runs in LOOM_HOME, which outlive a window reload), in a real
 * browser against the built webview and a fake host: what it shows, and what Open and Resume post.
 */
describe('dashboard run list (browser)', function () {
  let server: StaticServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let problems: string[];

  before(async () => {
    server = await startStaticServer({ pageDir: path.join(__dirname, 'fixtures'), distDir: await buildWebview() });
    browser = await launchBrowser();
    await mkdir(path.join(REPO_ROOT, 'test-results', 'screenshots'), { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    page = await browser.context.newPage();
    problems = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    await page.goto(`${server.url}/dashboard.html?theme=dark`);
    await page.waitForFunction(() => (globalThis as unknown as WithHost).__loomHost.posted.some((m) => m.type === 'webview/didReady'));
  });

  afterEach(async () => {
    await page.evaluate(() => (globalThis as unknown as WithHost).__loomHost.clearState()).catch(() => {});
    await page.close();
    assert.deepEqual(problems, [], 'no page errors or console errors (CSP included)');
  });

  const send = (message: unknown) => page.evaluate((m) => (globalThis as unknown as WithHost).__loomHost.send(m), message);
  const posted = () => page.evaluate(() => (globalThis as unknown as WithHost).__loomHost.posted.filter((m) => m.type === 'run/open' || m.type === 'run/resume'));

  it('with no run shown (after a reload), lists the runs: Resume on the interrupted one, Open on each', async () => {
    await send(
      hostMessages.runs(
        [
          summary('run-b', 'interrupted'),
          summary('run-a', 'escalated', { endedAt: 1_764_062_184_095, tasksDone: 3, openEscalations: [{ escalationId: 'esc-2', kind: 'conflict', question: 'which index?' }] }),
        ],
        null,
      ),
    );
    const rows = page.locator('.run-list li.run-row');
    await rows.first().waitFor();
    assert.equal(await page.locator('.empty-state .empty-title').textContent(), 'No run open', 'no run is shown, but there are runs: not "No Loom run yet"');
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-run-id'), e.getAttribute('data-status')])), [
      ['run-b', 'interrupted'],
      ['run-a', 'escalated'],
    ]);
    assert.match((await rows.nth(0).textContent()) ?? '', /Interrupted.*textkit.*2\/4 tasks/);
    assert.match((await rows.nth(1).textContent()) ?? '', /1 open/);
    assert.equal(await rows.nth(1).locator('vscode-button[data-action="resume"]').count(), 0, 'a finished run cannot be resumed');
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'screenshots', 'run-list.png') });

    await rows.nth(0).locator('vscode-button[data-action="resume"]').click();
    await rows.nth(1).locator('vscode-button[data-action="open"]').click();
    await page.waitForFunction(() => (globalThis as unknown as WithHost).__loomHost.posted.filter((m) => m.type.startsWith('run/')).length >= 2);
    assert.deepEqual(await posted(), [
      { type: 'run/resume', runId: 'run-b' },
      { type: 'run/open', runId: 'run-a' },
    ]);
  });

  it('beside a shown run: the list is folded under the header and marks the shown run instead of offering Open', async () => {
    const state = foldEvents(loadRecordedRun());
    await send(hostMessages.snapshot(state));
    await send(hostMessages.runs([summary(state.runId!, 'escalated'), summary('run-b', 'stopped')], state.runId));
    await page.waitForSelector('.run-header');
    const list = page.locator('details.run-list');
    await list.waitFor();
    assert.equal(await list.evaluate((d) => d.hasAttribute('open')), false);
    await list.locator('summary').click();
    const shown = list.locator(`li.run-row[data-run-id="${state.runId}"]`);
    assert.equal(await shown.evaluate((e) => e.classList.contains('shown')), true);
    assert.equal(await shown.locator('vscode-button[data-action="open"]').count(), 0);
    assert.equal(await list.locator('li.run-row[data-run-id="run-b"] vscode-button[data-action="resume"]').count(), 1, 'a stopped run can be resumed');
  });

  it('drops a run list that fails validation', async () => {
    await send({ type: 'runs/didList', runs: [{ runId: 'x', status: 'exploded' }], shownRunId: null });
    await send(hostMessages.runs([summary('run-ok', 'succeeded')], null));
    await page.locator('li.run-row[data-run-id="run-ok"]').waitFor();
    assert.equal(await page.locator('li.run-row').count(), 1);
  });
});
