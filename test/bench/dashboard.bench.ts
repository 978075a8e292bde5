// Benchmark, not a test: does the built dashboard webview stay smooth while agents run? In Debian's
// headless Chromium (the browser tests' page and fake host), a run of 16 implementors with 100,000
// trace spans is loaded, then its agents stream 200 events/s in total (one host message each, as VS
// Code posts them). Measured in the page:
//   tab switch      click to the frame that paints the tab's view, several switches across all tabs
//                   while the events stream (median and max);
//   frame gaps      requestAnimationFrame deltas over >= 10 s of streaming, a window on each tab (p95, max);
//   event-to-screen from the host posting an event to the frame that paints its seq (p95, median, max).
// Baselines in the same process: the same page and run sitting idle (frame gaps), and a run with no
// spans yet (tab switch, event-to-screen at a trickle). Targets: tab switch <= 100 ms, frame gaps
// p95 <= 20 ms, event-to-screen <= 100 ms; exits 1 when one is missed.
//   npx tsx test/bench/dashboard.bench.ts        (builds the webview bundle into dist/ first)
//   env: LOOM_BENCH_AGENTS=16, LOOM_BENCH_SPANS=100000, LOOM_BENCH_RATE=200, LOOM_BENCH_WINDOW_MS=2000
import path from 'node:path';
import type { Page } from 'playwright-core';
import { foldEvents } from '../../extension/protocol/reduce';
import type { RunEvent } from '../../extension/protocol/events';
import { hostMessages } from '../../extension/protocol/webviewMessages';
import { TAB_IDS } from '../../webview/state/uiState';
import { launchBrowser } from '../e2e/browser';
import { buildWebview } from '../e2e/buildWebview';
import { startStaticServer } from '../e2e/staticServer';
import { dashboardJournal, isSpan } from './dashboardJournal';
import { PROBE_SOURCE } from './dashboardProbe';

const AGENTS = Number(process.env.LOOM_BENCH_AGENTS ?? 16);
const SPANS = Number(process.env.LOOM_BENCH_SPANS ?? 100_000);
const RATE = Number(process.env.LOOM_BENCH_RATE ?? 200);
const WINDOW_MS = Number(process.env.LOOM_BENCH_WINDOW_MS ?? 2000);
const SWITCH_ROUNDS = 2;
const TARGET = { tabSwitchMs: 100, frameGapP95Ms: 20, eventToScreenMs: 100 };

type Bench = {
  startFrames(): void;
  stopFrames(): number[];
  stream(events: RunEvent[], rate: number): Promise<number>;
  stop(): void;
  takeLatencies(): number[];
  pendingLatencies(): number;
  switchTab(id: string): Promise<number>;
};
type WithBench = { __bench: Bench; __loomHost: { send(m: unknown): void; clearState(): void } };

function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
const ms = (v: number) => `${v.toFixed(1).padStart(7)} ms`;

async function openPage(url: string, history: RunEvent[]): Promise<Page> {
  const page = await browserContext.newPage();
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  await page.goto(`${url}/dashboard.html?theme=dark`);
  await page.evaluate(PROBE_SOURCE);
  // One host message with the whole run, as the extension's snapshot: a string, parsed in the page.
  const snapshot = JSON.stringify(hostMessages.snapshot(foldEvents(history), history));
  await page.evaluate((text) => (globalThis as unknown as WithBench).__loomHost.send(JSON.parse(text)), snapshot);
  await page.waitForFunction(`document.querySelector('.timeline-position')?.getAttribute('data-seq') === '${history.length - 1}'`, undefined, { timeout: 120_000 });
  return page;
}

async function switchAll(page: Page, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const id of TAB_IDS) {
      times.push(await page.evaluate((tab) => (globalThis as unknown as WithBench).__bench.switchTab(tab), id));
      await page.waitForTimeout(300);
    }
  }
  return times;
}

let browserContext: Awaited<ReturnType<typeof launchBrowser>>['context'];

async function main(): Promise<number> {
  const distDir = await buildWebview();
  const server = await startStaticServer({ pageDir: path.join(__dirname, '..', 'e2e', 'fixtures'), distDir });
  const browser = await launchBrowser();
  browserContext = browser.context;
  try {
    // Baseline: the same 16 agents, no spans yet; tab switches, and events at a trickle.
    const empty = dashboardJournal({ agents: AGENTS, spans: 0 });
    const base = await openPage(server.url, empty.history);
    await base.evaluate(() => (globalThis as unknown as WithBench).__bench.switchTab('agents'));
    const baseSwitch = await switchAll(base, SWITCH_ROUNDS);
    const trickle = empty.next(40, Date.now(), 50);
    await base.evaluate(([events]) => (globalThis as unknown as WithBench).__bench.stream(events, 20), [trickle] as const);
    await base.waitForFunction(() => (globalThis as unknown as WithBench).__bench.pendingLatencies() === 0);
    await base.waitForTimeout(100);
    const baseLatency = await base.evaluate(() => (globalThis as unknown as WithBench).__bench.takeLatencies());
    await base.close();

    // The loaded run.
    const journal = dashboardJournal({ agents: AGENTS, spans: SPANS });
    const loadStart = Date.now();
    const page = await openPage(server.url, journal.history);
    const loadMs = Date.now() - loadStart;
    const spans = journal.history.filter(isSpan).length;
    await page.evaluate(() => (globalThis as unknown as WithBench).__bench.switchTab('traces'));
    await page.click(`.agent-list-item[data-agent="impl-task-01-1"]`);
    await page.waitForTimeout(500);
    await page.evaluate(() => (globalThis as unknown as WithBench).__bench.startFrames());
    await page.waitForTimeout(3000);
    const idleGaps = await page.evaluate(() => (globalThis as unknown as WithBench).__bench.stopFrames());

    // Stream: enough events for every window and switch, posted at RATE until stopped.
    const streamed = journal.next(Math.ceil((RATE * (TAB_IDS.length * (WINDOW_MS + 1500) + SWITCH_ROUNDS * TAB_IDS.length * 1500)) / 1000) + RATE * 5, Date.now(), 1000 / RATE);
    const streaming = page.evaluate(([events, rate]) => (globalThis as unknown as WithBench).__bench.stream(events, rate), [streamed, RATE] as const);
    const gaps: number[] = [];
    const perTab: string[] = [];
    for (const id of TAB_IDS) {
      await page.evaluate((tab) => (globalThis as unknown as WithBench).__bench.switchTab(tab), id);
      await page.waitForTimeout(500);
      await page.evaluate(() => (globalThis as unknown as WithBench).__bench.startFrames());
      await page.waitForTimeout(WINDOW_MS);
      const tabGaps = await page.evaluate(() => (globalThis as unknown as WithBench).__bench.stopFrames());
      perTab.push(`${id} ${tabGaps.length} frames, p95 ${quantile(tabGaps, 0.95).toFixed(0)} max ${Math.max(...tabGaps).toFixed(0)}`);
      gaps.push(...tabGaps);
    }
    const switches = await switchAll(page, SWITCH_ROUNDS);
    await page.evaluate(() => (globalThis as unknown as WithBench).__bench.stop());
    const posted = await streaming;
    await page.waitForFunction(() => (globalThis as unknown as WithBench).__bench.pendingLatencies() === 0, undefined, { timeout: 60_000 });
    await page.waitForTimeout(100);
    const latency = await page.evaluate(() => (globalThis as unknown as WithBench).__bench.takeLatencies());
    await page.close();

    const streamSeconds = gaps.reduce((s, g) => s + g, 0) / 1000;
    console.log(`Dashboard webview, headless Chromium: ${AGENTS} agents, ${spans.toLocaleString('en-US')} trace spans (${journal.history.length.toLocaleString('en-US')} events, loaded in ${(loadMs / 1000).toFixed(1)} s), then ${posted} events streamed at ${RATE}/s`);
    console.log(`frame windows while streaming (${streamSeconds.toFixed(1)} s): ${perTab.join(' · ')}`);
    console.log(`tab switches while streaming (ms): ${TAB_IDS.map((id, i) => `${id} ${switches.filter((_, k) => k % TAB_IDS.length === i).map((v) => v.toFixed(0)).join('/')}`).join(' · ')}`);
    const rows: { name: string; value: number; target: number | null; base: number; baseName: string; extra: string }[] = [
      { name: 'tab switch median', value: quantile(switches, 0.5), target: TARGET.tabSwitchMs, base: quantile(baseSwitch, 0.5), baseName: 'no spans', extra: `${switches.length} switches` },
      { name: 'tab switch max', value: Math.max(...switches), target: TARGET.tabSwitchMs, base: Math.max(...baseSwitch), baseName: 'no spans', extra: '' },
      { name: 'frame gap p95', value: quantile(gaps, 0.95), target: TARGET.frameGapP95Ms, base: quantile(idleGaps, 0.95), baseName: 'idle', extra: `${gaps.length} frames` },
      { name: 'frame gap max', value: Math.max(...gaps), target: null, base: Math.max(...idleGaps), baseName: 'idle', extra: '' },
      { name: 'event-to-screen p95', value: quantile(latency, 0.95), target: TARGET.eventToScreenMs, base: quantile(baseLatency, 0.95), baseName: 'trickle, no spans', extra: `${latency.length} events` },
      { name: 'event-to-screen median', value: quantile(latency, 0.5), target: null, base: quantile(baseLatency, 0.5), baseName: 'trickle, no spans', extra: '' },
      { name: 'event-to-screen max', value: Math.max(...latency), target: null, base: Math.max(...baseLatency), baseName: 'trickle, no spans', extra: '' },
    ];
    let missed = 0;
    console.log(`${'figure'.padEnd(24)}${'value'.padStart(10)}  ${'target'.padEnd(10)}${'baseline'.padStart(10)}  ratio    verdict`);
    for (const r of rows) {
      const ok = r.target === null || r.value <= r.target;
      if (!ok) missed++;
      const target = r.target === null ? '' : `<= ${r.target} ms`;
      console.log(`${r.name.padEnd(24)}${ms(r.value)}  ${target.padEnd(10)}${ms(r.base)}  ${`x${(r.value / r.base).toFixed(2)}`.padEnd(8)} ${r.target === null ? '' : ok ? 'ok' : 'MISSED'}  ${r.extra ? `(${r.extra}; baseline: ${r.baseName})` : `(baseline: ${r.baseName})`}`);
    }
    console.log(missed ? `${missed} target(s) missed` : 'all targets met');
    return missed ? 1 : 0;
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`dashboard bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
