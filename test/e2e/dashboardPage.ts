import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunEvent } from '../../extension/protocol/events';
import { foldEvents } from '../../extension/protocol/reduce';
import type { RunState } from '../../extension/protocol/runState';
import { hostMessages } from '../../extension/protocol/webviewMessages';
import { loadRecordedRun } from '../unit/webview/recordedRun';
import { launchBrowser } from './browser';
import { buildWebview, REPO_ROOT } from './buildWebview';
import { startStaticServer, type StaticServer } from './staticServer';

/**
 * The dashboard webview in a real browser (dashboard*.test.ts): the built webview served with the
 * fake host of fixtures/fakeHost.js, a fresh page per test, and the recorded run to show in it.
 * Every test fails on a page error, a console error (CSP included) or a failed request.
 */

/** The fake host of fixtures/fakeHost.js, as seen from page.evaluate. */
export interface FakeHost {
  posted: { type: string; [key: string]: unknown }[];
  send(message: unknown): void;
  savedState(): unknown;
  clearState(): void;
}
export type WithHost = { __loomHost: FakeHost };
/** The page's document as a predicate sees it (the tests compile without the DOM's types). Predicates are functions:
 * a string one is eval'ed in the page when it has to be polled, which the page's CSP refuses. */
export type WithDocument = { document: { querySelectorAll(selector: string): { length: number }; querySelector(selector: string): { getAttribute(name: string): string | null } | null } };

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

/** The webview is built once per test process, for every dashboard file. */
let webview: Promise<string> | undefined;

export interface DashboardPage {
  /** The recorded run, and its fold. */
  readonly events: RunEvent[];
  readonly finalState: RunState;
  /** The current test's page (a new one for each test). */
  readonly page: Page;
  /** The current test's console warnings. */
  readonly warnings: string[];
  /** Opens the dashboard and waits for it to say it is ready. */
  open(theme?: string): Promise<void>;
  /** A message from the host to the page. */
  send(message: unknown): Promise<void>;
  /** Every message the page posted to the host. */
  posted(): Promise<FakeHost['posted']>;
  /** Clicks a tab and waits for its view (or its empty state). */
  tab(id: string): Promise<void>;
  /** A screenshot to test-results/screenshots/<name>.png. */
  shot(name: string): Promise<void>;
  /** Opens the dashboard with the whole recorded run. */
  openWithRun(): Promise<void>;
}

/** Registers the browser's hooks in the calling describe. */
export function useDashboardPage(): DashboardPage {
  const events = loadRecordedRun();
  const finalState = foldEvents(events);
  let server: StaticServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let problems: string[];
  let warnings: string[];

  before(async () => {
    const distDir = await (webview ??= buildWebview());
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

  return {
    events,
    finalState,
    get page() {
      return page;
    },
    get warnings() {
      return warnings;
    },
    open,
    send,
    posted,
    tab,
    shot,
    openWithRun,
  };
}
