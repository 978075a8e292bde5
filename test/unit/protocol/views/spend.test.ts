import assert from 'node:assert/strict';
import path from 'node:path';
import { statusCommand } from '../../../../extension/cli/statusCommand';
import { formatReport } from '../../../../extension/engine/run/report';
import { DEFAULT_ACTION_POLICY } from '../../../../extension/protocol/policy';
import { DEFAULT_PRICES, mergePriceTables } from '../../../../extension/protocol/pricing';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { costOfAgent, formatCost, spendOf } from '../../../../extension/protocol/views/spend';
import { statusBarContent } from '../../../../extension/vscode/views/statusBarText';
import { headerStats } from '../../../../webview/state/headerStats';
import { loadRecordedRun } from '../../webview/recordedRun';

const JOURNAL = path.join(__dirname, '..', '..', '..', 'fixtures', 'recordedRun.jsonl');

/** The figures of the report's Agents section: each agent's cost text and the total line's tokens and cost. */
function reportFigures(report: string) {
  const section = report.split('\nAgents\n')[1]?.split('\n\n')[0] ?? '';
  const rows = section.split('\n').filter(Boolean);
  const total = rows.find((r) => r.trimStart().startsWith('total '));
  const m = /total\s+(\d+) in\s+(\d+) out\s+(.+?)(?:\s+\((\d+) of the input cached\))?$/.exec(total ?? '');
  assert.ok(m, `a total line in:\n${section}`);
  const agents = rows.filter((r) => r !== total).map((r) => /out\s+(\$[\d.]+|unpriced)\s/.exec(r)?.[1] ?? '?');
  return { inputTokens: Number(m[1]), outputTokens: Number(m[2]), cost: m[3].trim(), cachedInputTokens: m[4] === undefined ? 0 : Number(m[4]), agents };
}

describe('protocol/views/spend: every view shows the same spend', () => {
  const events = loadRecordedRun();

  it('loom status on the recorded journal, the status bar and the dashboard header agree on tokens and cost', async () => {
    const printed: string[] = [];
    await statusCommand([JOURNAL], (line) => printed.push(line));
    const cli = reportFigures(printed.join('\n'));
    const state = foldEvents(events);
    const bar = statusBarContent(state).text;
    const header = Object.fromEntries(headerStats(state, state.endedAt ?? 0).map((s) => [s.id, s]));

    // One agent ran a local model without a price: every surface says so instead of $0 or a guess.
    assert.match(cli.cost, /^\$0\.\d{4} \+ unpriced$/);
    assert.equal(bar.split(' · ').pop(), cli.cost, bar);
    assert.equal(header.cost.value, cli.cost);
    assert.match(header.cost.title ?? '', /No price for: impl-case-conversion-1/);
    // The total is the sum of the agents' own costs as the report lists them.
    const priced = cli.agents.filter((c) => c !== 'unpriced').map((c) => Number(c.slice(1)));
    assert.deepEqual(cli.agents.filter((c) => c === 'unpriced').length, 1);
    assert.ok(Math.abs(priced.reduce((a, b) => a + b, 0) - Number(cli.cost.slice(1, 7))) <= 0.00005 * priced.length, `${priced.join(' + ')} vs ${cli.cost}`);
    // Tokens: the report's exact counts are the dashboard's and, rounded, the status bar's.
    assert.equal(header.tokens.title, `${cli.inputTokens.toLocaleString('en-US')} input and ${cli.outputTokens.toLocaleString('en-US')} output tokens`);
    const k = (cli.inputTokens + cli.outputTokens) / 1000;
    assert.match(bar, new RegExp(`· ${k.toFixed(1).replace('.', '\\.')}k tok ·`), bar);
  });

  for (const seq of [20, 60, 120]) {
    it(`folded to event ${seq}, the report, the status bar and the dashboard header still agree`, () => {
      const state = foldEvents(events, seq);
      const cli = reportFigures(formatReport(state));
      assert.equal(statusBarContent(state).text.split(' · ').pop(), cli.cost);
      const cost = headerStats(state, events[seq].ts).find((s) => s.id === 'cost');
      assert.equal(cost?.value, cli.cost);
      assert.equal(cli.inputTokens + cli.outputTokens, spendOf(state.agents, state.prices).tokens);
    });
  }

  it("the report's total says how much of the input the provider's cache served, as spend counts it", () => {
    const state = foldEvents(events);
    assert.equal(reportFigures(formatReport(state)).cachedInputTokens, spendOf(state.agents, state.prices).cachedInputTokens);
    const cachedState = { ...state, agents: state.agents.map((a, i) => (i < 2 ? { ...a, usage: { ...a.usage, cachedInputTokens: 1000 * (i + 1) } } : a)) };
    const cli = reportFigures(formatReport(cachedState));
    assert.equal(cli.cachedInputTokens, spendOf(cachedState.agents, cachedState.prices).cachedInputTokens);
    assert.ok(cli.cachedInputTokens >= 3000);
  });

  it('a run that journaled its own price table is costed with it on every surface', () => {
    // The defaults with the local model priced and gpt-4.1-mini at ten times its price, as `--prices FILE` would journal them.
    const prices = mergePriceTables(DEFAULT_PRICES, { 'qwen2.5-coder*': { input: 0.5, output: 1 }, 'gpt-4.1-mini*': { input: 4, output: 16 } });
    const withPrices = events.map((e) => (e.type === 'run/didStart' ? { ...e, settings: { policy: DEFAULT_ACTION_POLICY, commandAllowlist: [], flakeReruns: 0, commandTimeoutMs: 1000, prices } } : e));
    const state = foldEvents(withPrices);
    assert.deepEqual(state.prices, prices);
    const cli = reportFigures(formatReport(state));
    assert.match(cli.cost, /^\$\d+\.\d{4}$/, 'nothing unpriced');
    assert.ok(!cli.agents.includes('unpriced'));
    assert.equal(statusBarContent(state).text.split(' · ').pop(), cli.cost);
    assert.equal(headerStats(state, 0).find((s) => s.id === 'cost')?.value, cli.cost);
    const byDefault = spendOf(foldEvents(events).agents, null);
    assert.ok(Number(cli.cost.slice(1)) > 3 * byDefault.pricedUsd, `${cli.cost} at the run's prices, $${byDefault.pricedUsd} at the defaults`);
  });

  it('formats a spend as a price, "unpriced", or the priced part "+ unpriced", never $0 for unknown prices', () => {
    const state = foldEvents(events);
    const priced = state.agents.filter((a) => costOfAgent(a, null) !== null);
    const local = state.agents.filter((a) => costOfAgent(a, null) === null);
    assert.match(formatCost(spendOf(priced, null)), /^\$0\.\d{4}$/);
    assert.equal(formatCost(spendOf(local, null)), 'unpriced');
    assert.match(formatCost(spendOf(state.agents, null)), /^\$0\.\d{4} \+ unpriced$/);
    // An unpriced agent that has used nothing yet costs nothing.
    const idle = { ...local[0], usage: { inputTokens: 0, outputTokens: 0 } };
    assert.deepEqual(spendOf([...priced, idle], null).unpricedAgentIds, []);
    assert.equal(formatCost(spendOf([], null)), '$0.0000');
  });
});
