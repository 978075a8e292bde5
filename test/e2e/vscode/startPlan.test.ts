// The product as a person uses it, in a real VS Code (code-server) in headless Chromium: "Loom: Start
// Agent Plan" from the command palette on the demo repository with the simulator, the Agents sidebar,
// the dashboard webview showing the agents and their spend, and the demo's conflict resolved by its
// merge agent (a person's choices in the webview are covered by test/e2e/dashboard*.test.ts and the
// integration tier). Saves the README's screenshots to media/screenshots/.
//
//   bash test/vscode/install.sh && npm run build
//   npx mocha --no-config --node-option import=tsx --timeout 300000 'test/e2e/vscode/**/*.test.ts'
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../browser';
import { CodeServer } from '../../vscode/codeServer';
import { branches, createDemoWorkspace, filesOnBranch, repoRoot } from '../../integration/demoWorkspace';
import { skipAfterFailure, Workbench } from './workbench';

/** The README's screenshots; LOOM_SCREENSHOTS_DIR sends them elsewhere (CI, so the tree stays clean). */
const SCREENSHOTS = process.env.LOOM_SCREENSHOTS_DIR ?? join(repoRoot, 'media', 'screenshots');
const specPath = join(repoRoot, 'examples', 'demo', 'spec.md');

describe('Loom in VS Code (code-server + Chromium): Start Agent Plan from the palette', function () {
  this.timeout(300_000);
  let server: CodeServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let wb: Workbench;
  let workspace: string;
  let dashboard: FrameLocator;
  const pageErrors: string[] = [];
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    workspace = createDemoWorkspace();
    server = await CodeServer.start();
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    wb = new Workbench(page);
    dashboard = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  });

  after(async () => {
    if (pageErrors.length) console.log(`[e2e] workbench page errors:\n  ${pageErrors.slice(-10).join('\n  ')}`);
    await browser?.close();
    await server?.dispose();
    if (workspace) rmSync(dirname(workspace), { recursive: true, force: true });
    console.log(`[e2e] total ${elapsed()}`);
  });

  skipAfterFailure(() => page, 'vscode-failure', elapsed);

  /** Closes notification toasts so they do not cover the screenshots. */
  async function clearToasts(): Promise<void> {
    await wb.clearToasts();
    // Focus the editor area (an empty spot of the dashboard) so no tree row wears a focus outline.
    await page.mouse.click(1000, 780);
    await page.mouse.move(700, 600);
  }

  /** Drags the sash between the sidebar and the editor so the Agents tree's descriptions fit. */
  async function widenSidebar(width: number): Promise<void> {
    const box = await page.locator('.part.sidebar').boundingBox();
    if (!box || box.width >= width) return;
    const x = box.x + box.width;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + (width - box.width) / 2, y, { steps: 4 });
    await page.mouse.move(box.x + width, y, { steps: 4 });
    await page.mouse.up();
  }

  function sidebarRow(text: string | RegExp): Locator {
    return page.locator('.part.sidebar .monaco-list-row', { hasText: text });
  }

  it('opens the workbench on the demo repository with the Loom activity-bar item', async () => {
    await page.goto(server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: repoRoot }));
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    const loomItem = page.locator('.part.activitybar [aria-label^="Loom"]').first();
    await loomItem.waitFor({ state: 'visible', timeout: 60_000 });
    await loomItem.click(); // shows the Agents view (and activates the extension)
    await page.locator('.part.sidebar', { hasText: /agents/i }).waitFor({ state: 'visible', timeout: 30_000 });
    await widenSidebar(470);
    console.log(`[e2e] workbench with the Loom view at ${elapsed()}`);
  });

  it('"Loom: Start Agent Plan": spec from a file, the simulator, the plan confirmed — the run starts', async () => {
    await wb.runCommand('Loom: Start Agent Plan');
    await wb.pick(/which spec/i, 'Choose a spec file');
    await wb.chooseFile(/choose a spec/i, specPath, wb.quickTitle(/which model/i));
    await wb.pick(/which model/i, 'Simulator (demo scenario)');

    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await dialog.innerText(), /run this plan of 4 tasks/i);
    for (const task of ['fix-sum', 'add-multiply', 'add-divide', 'add-mean']) assert.match(await dialog.innerText(), new RegExp(task));
    await page.screenshot({ path: join(SCREENSHOTS, 'plan-confirmation.png') });
    await dialog.locator('.monaco-button', { hasText: /^Run$/ }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await sidebarRow(/^Run /).or(sidebarRow(/Run \d{8}-/)).first().waitFor({ state: 'visible', timeout: 60_000 });
    console.log(`[e2e] run started at ${elapsed()}`);
  });

  it('"Loom: Open Dashboard" shows the agents and their spend while the run goes', async () => {
    await wb.runCommand('Loom: Open Dashboard');
    await dashboard.locator('vscode-tab-header[data-tab="agents"]').click({ timeout: 60_000 });
    await dashboard.locator('tr.agent-row').nth(2).waitFor({ state: 'visible', timeout: 120_000 });
    const rows = dashboard.locator('tr.agent-row');
    const ids = await rows.locator('.agent-id').allInnerTexts();
    assert.ok(ids.length >= 3, `agents listed: ${ids.join(', ')}`);
    await clearToasts();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-running.png') });
    console.log(`[e2e] dashboard lists ${ids.length} agents at ${elapsed()}: ${ids.join(', ')}`);
  });

  it('the run succeeds, its conflict resolved by the merge agent: the dashboard lists every agent with tokens and cost', async () => {
    await sidebarRow(/Run \d/).filter({ hasText: 'Succeeded' }).first().waitFor({ state: 'visible', timeout: 240_000 });
    console.log(`[e2e] run succeeded at ${elapsed()}`);
    await dashboard.locator('vscode-tab-header[data-tab="agents"]').click();
    const rows = dashboard.locator('tr.agent-row');
    await rows.nth(4).waitFor({ state: 'visible', timeout: 10_000 });
    const n = await rows.count();
    const seen: string[] = [];
    for (let i = 0; i < n; i++) {
      const cells = await rows.nth(i).locator('td').allInnerTexts();
      const [agent, , , , tokens, cost] = cells.map((c) => c.trim());
      seen.push(`${agent}: ${tokens} tok, ${cost}`);
      assert.match(tokens, /^[1-9][\d.]*k?M?$/, `${agent} shows its tokens (${tokens})`);
      assert.match(cost, /^\$\d+\.\d+$/, `${agent} shows its cost (${cost})`);
    }
    console.log(`[e2e] agents:\n  ${seen.join('\n  ')}`);
    for (const task of ['fix-sum', 'add-multiply', 'add-divide', 'add-mean']) {
      assert.ok(seen.some((s) => s.includes(task)), `an agent of ${task} is listed`);
    }
    assert.ok(seen.some((s) => s.startsWith('merger-esc-1-1')), 'the merge agent is listed with its spend');
    // The sidebar: the run with tokens and cost, and no question left for a person.
    assert.match(await sidebarRow(/Run \d/).first().innerText(), /Succeeded[\s\S]*tok[\s\S]*\$/);
    // No escalation row (the merge agent's own row, merger-esc-1-1, is an agent, not a question).
    assert.equal(await sidebarRow(/esc-1: conflict/).count(), 0);
    // Tasks start expanded, so the agents that arrived after the tree first drew them are visible.
    const collapsed = page.locator('.part.sidebar .monaco-list-row[aria-expanded="false"]');
    assert.equal(await collapsed.count(), 0, `collapsed rows: ${(await collapsed.allInnerTexts()).join(' | ')}`);
    await clearToasts();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-agents.png') });
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    const lastRow = await page.locator('.part.sidebar .monaco-list-row').last().boundingBox();
    if (sidebar && lastRow) {
      const height = Math.min(sidebar.height, lastRow.y + lastRow.height - sidebar.y + 16);
      await page.screenshot({ path: join(SCREENSHOTS, 'sidebar.png'), clip: { x: sidebar.x, y: sidebar.y, width: sidebar.width, height } });
    }
  });

  it('the integration branch holds every task\'s files, the conflicting pair merged by the merge agent', async () => {
    const [integration, ...more] = branches(workspace, 'loom/*/integration');
    assert.ok(integration && more.length === 0, `one integration branch: ${[integration, ...more].join(', ')}`);
    const files = filesOnBranch(workspace, integration);
    for (const file of ['src/multiply.js', 'src/divide.js', 'src/mean.js']) assert.ok(files.includes(file), `${integration} has ${file}`);
  });
});
