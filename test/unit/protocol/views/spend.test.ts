import assert from 'node:assert/strict';
import path from 'node:path';
import { statusCommand } from '../../../../extension/cli/statusCommand';
import { formatReport } from '../../../../extension/engine/run/report';
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
  const m = /total\s+(\d+) in\s+(\d+) out\s+(.+)$/.exec(total ?? '');
  assert.ok(m, `a total line in:\n${section}`);
  const agents = rows.filter((r) => r !== total).map((r) => /out\s+(\$[\d.]+|unpriced)\s/.exec(r)?.[1] ?? '?');
  return { inputTokens: Number(m[1]), outputTokens: Number(m[2]), cost: m[3].trim(), agents };
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
      assert.equal(cli.inputTokens + cli.outputTokens, spendOf(state.agents).tokens);
    });
  }

  it('formats a spend as a price, "unpriced", or the priced part "+ unpriced", never $0 for unknown prices', () => {
    const state = foldEvents(events);
    const priced = state.agents.filter((a) => costOfAgent(a) !== null);
    const local = state.agents.filter((a) => costOfAgent(a) === null);
    assert.match(formatCost(spendOf(priced)), /^\$0\.\d{4}$/);
    assert.equal(formatCost(spendOf(local)), 'unpriced');
    assert.match(formatCost(spendOf(state.agents)), /^\$0\.\d{4} \+ unpriced$/);
    // An unpriced agent that has used nothing yet costs nothing.
    const idle = { ...local[0], usage: { inputTokens: 0, outputTokens: 0 } };
    assert.deepEqual(spendOf([...priced, idle]).unpricedAgentIds, []);
    assert.equal(formatCost(spendOf([])), '$0.0000');
  });
});
