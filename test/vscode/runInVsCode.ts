// Runs a tests module inside a real VS Code extension host: code-server serves the workbench,
// headless Debian Chromium (through playwright-core) opens it with extensionDevelopmentPath and
// extensionTestsPath in the URL payload, and the workbench reports the extension host's output and
// exit code through window.codeAutomationLog / window.codeAutomationExit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { CodeServer, type CodeServerOptions } from './codeServer';

export const chromiumPath = process.env.LOOM_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface LogEntry {
  readonly type: string;
  readonly text: string;
}

export interface RunInVsCodeOptions {
  /** Folder of the extension under test (its package.json with `main`). */
  readonly extensionDevelopmentPath: string;
  /** CommonJS module exporting `run(): Promise<void>`, loaded by the extension host. */
  readonly extensionTestsPath: string;
  /** Folder opened in the workbench; default: an empty folder of the server's. */
  readonly workspace?: string;
  /** Whole-run limit after the server is up. Default 180 s. */
  readonly timeoutMs?: number;
  /** A running server to reuse; otherwise one is started with `serverOptions` and stopped after. */
  readonly server?: CodeServer;
  readonly serverOptions?: CodeServerOptions;
  /** Receives each extension-host log line as it arrives. Default: printed to stdout/stderr. */
  readonly onLog?: (entry: LogEntry) => void;
}

export interface RunInVsCodeResult {
  /** The tests module's exit code (0 = all passed); 124 on timeout, 125 if the page broke. */
  readonly code: number;
  readonly timedOut: boolean;
  /** Extension-host output as reported to codeAutomationLog. */
  readonly logs: readonly LogEntry[];
  /** Browser console errors and page errors (workbench side), for diagnosing a failed start. */
  readonly browserErrors: readonly string[];
  readonly durationMs: number;
  /** Where the time went: server start (0 when reused), workbench page load, then until the exit code. */
  readonly phasesMs: { readonly serverStart: number; readonly pageLoad: number; readonly untilExit: number };
}

export const exitCodeTimeout = 124;
export const exitCodePageError = 125;

/** Workbench chatter and the harmless offline errors (no gallery, no telemetry endpoint). */
const noise = [
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket \(/,
  /^Creation of workbench contribution/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore: /,
  /ENOTFOUND (open-vsx\.org|[\w.-]*\.microsoft\.com|[\w.-]*\.visualstudio\.com)/,
];

/** True for workbench log lines that say nothing about the tests (kept in the result's logs). */
export function isWorkbenchNoise(entry: LogEntry): boolean {
  return noise.some((pattern) => pattern.test(entry.text));
}

/** The default `onLog`: the extension host's output on stdout/stderr, workbench noise left out. */
export function printLog(entry: LogEntry): void {
  if (isWorkbenchNoise(entry)) return;
  const stream = entry.type === 'error' || entry.type === 'warn' ? process.stderr : process.stdout;
  stream.write(entry.text.endsWith('\n') ? entry.text : `${entry.text}\n`);
}

export async function runInVsCode(options: RunInVsCodeOptions): Promise<RunInVsCodeResult> {
  const started = Date.now();
  const onLog = options.onLog ?? printLog;
  const ownServer = options.server ? undefined : await CodeServer.start(options.serverOptions);
  const serverReady = Date.now();
  let pageLoaded = serverReady;
  const server = options.server ?? ownServer!;
  const browserDir = await mkdtemp(join(tmpdir(), 'loom-chromium-'));
  const logs: LogEntry[] = [];
  const browserErrors: string[] = [];
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const context = await chromium.launchPersistentContext(browserDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
    });
    browser = context.browser() ?? undefined;
    const page = context.pages()[0] ?? (await context.newPage());

    let settle!: (code: number) => void;
    const exitCode = new Promise<number>((res) => (settle = res));
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      const text = Array.isArray(args) ? format(...(args as unknown[])) : typeof args === 'string' ? args : format(args);
      const entry = { type: String(type), text };
      logs.push(entry);
      onLog(entry);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      settle(typeof code === 'number' ? code : Number(code) || 0);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(message.text());
    });
    page.on('pageerror', (error) => browserErrors.push(String(error)));

    const timeoutMs = options.timeoutMs ?? 180_000;
    const timedOut = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), timeoutMs)));
    const closed = new Promise<'closed'>((res) => context.once('close', () => res('closed')));

    const url = server.workbenchUrl({
      folder: options.workspace,
      extensionDevelopmentPath: options.extensionDevelopmentPath,
      extensionTestsPath: options.extensionTestsPath,
    });
    // The overall timer bounds navigation too; a failed navigation rejects the race.
    const navigated = page.goto(url, { timeout: 0 }).then(() => {
      pageLoaded = Date.now();
      return new Promise<never>(() => undefined);
    });
    const outcome = await Promise.race([exitCode, timedOut, closed, navigated]);
    const exited = Date.now();
    await context.close().catch(() => undefined);
    const phasesMs = { serverStart: serverReady - started, pageLoad: pageLoaded - serverReady, untilExit: exited - pageLoaded };
    const code = outcome === 'timeout' ? exitCodeTimeout : outcome === 'closed' ? exitCodePageError : outcome;
    return { code, timedOut: outcome === 'timeout', logs, browserErrors, durationMs: Date.now() - started, phasesMs };
  } finally {
    if (timer) clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await rm(browserDir, { recursive: true, force: true }).catch(() => undefined);
    await ownServer?.dispose();
  }
}
