import assert from 'node:assert/strict';
import { buildJudgmentMessages, judge, parseJudgment, type JudgmentInput, type JudgmentRound } from '../../../../extension/engine/verify/judgment';
import { ScriptedProvider } from './scriptedProvider';
import { SPEC, TASK } from './specFixture';

const INPUT: JudgmentInput = {
  spec: SPEC,
  task: TASK,
  diff: 'diff --git a/src/math.js b/src/math.js\n-exports.add = (a, b) => a - b;\n+exports.add = (a, b) => a + b; // ```\n',
  checks: [{ check: 'failToPass: node --test test/add.test.js', passed: true, detail: 'branch: 2/2 runs passed' }],
  findings: [{ severity: 'warning', rule: 'scope/outside', message: 'README.md changed outside scope', file: 'README.md' }],
};

const PASS = '{"verdict": "pass", "findings": []}';

describe('engine/verify/judgment', () => {
  it('parses bare, fenced and prose-wrapped JSON, and rejects the rest', () => {
    assert.deepEqual(parseJudgment(PASS), { ok: true, value: { verdict: 'pass', findings: [] } });
    const fenced = parseJudgment('Here you go:\n```json\n{"verdict":"fail","findings":[{"severity":"error","rule":"r","message":"m","file":"a.js","line":3}]}\n```\n');
    assert.equal(fenced.ok && fenced.value.findings[0].line, 3);
    assert.equal(parseJudgment('I think { "verdict": "pass" } is right.').ok, true);
    const bad = parseJudgment('{"verdict": "maybe"}');
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /verdict/);
    assert.equal(parseJudgment('looks good to me!').ok, false);
    assert.equal(parseJudgment(null).ok, false);
  });

  it('builds messages from spec, task, checks and diff only', () => {
    const [system, user] = buildJudgmentMessages(INPUT).map((m) => ({ role: m.role, content: m.content ?? '' }));
    assert.equal(system.role, 'system');
    assert.match(system.content, /ONLY a JSON object/);
    assert.equal(user.role, 'user');
    assert.match(user.content, /add\(a, b\) returns the sum/);
    assert.match(user.content, /add\(2, 3\) is 5/);
    assert.doesNotMatch(user.content, /UNRELATED-REQUIREMENT-TEXT/);
    assert.match(user.content, /\[pass\] failToPass: node --test test\/add\.test\.js/);
    assert.match(user.content, /scope\/outside/);
    // The diff contains ``` itself, so it is fenced with a longer run of backticks.
    assert.match(user.content, /````diff\n/);
  });

  it('accepts a valid verdict at once and journals the response', async () => {
    const provider = new ScriptedProvider([PASS]);
    const rounds: JudgmentRound[] = [];
    const out = await judge(INPUT, { provider, onResponse: (r) => rounds.push(r) });
    assert.equal(out.verdict, 'pass');
    assert.equal(out.passed, true);
    assert.deepEqual(out.findings, []);
    assert.deepEqual(out.usage, { inputTokens: 100, outputTokens: 10 });
    assert.equal(rounds.length, 1);
    assert.equal(rounds[0].round, 'judge');
    assert.deepEqual(provider.requests[0].tools, []);
  });

  it('repairs a garbage reply once', async () => {
    const provider = new ScriptedProvider(['Sure! The change looks fine.', '```json\n{"verdict":"fail","findings":[{"severity":"error","rule":"hardcoded","message":"returns 5 for (2,3) only","file":"src/math.js","line":1}]}\n```']);
    const rounds: JudgmentRound[] = [];
    const out = await judge(INPUT, { provider, onResponse: (r) => rounds.push(r) });
    assert.equal(out.verdict, 'fail');
    assert.equal(out.passed, false);
    assert.deepEqual(out.findings, [{ severity: 'error', rule: 'judgment/hardcoded', message: 'returns 5 for (2,3) only', file: 'src/math.js', line: 1 }]);
    assert.deepEqual(rounds.map((r) => r.round), ['judge', 'repair']);
    const repair = provider.requests[1].messages;
    assert.equal(repair.length, 4);
    assert.deepEqual(repair[2], { role: 'assistant', content: 'Sure! The change looks fine.', toolCalls: [] });
    assert.match(repair[3].content ?? '', /ONLY the JSON object/);
    assert.deepEqual(out.usage, { inputTokens: 200, outputTokens: 20 });
  });

  it("counts the provider's cached input tokens over its rounds (traces and spend show them)", async () => {
    const provider = new ScriptedProvider(['no json here', '{"verdict":"pass","findings":[]}']);
    const cached = { chat: async (request: Parameters<ScriptedProvider['chat']>[0]) => ({ ...(await provider.chat(request)), usage: { inputTokens: 100, outputTokens: 10, cachedInputTokens: 60 } }), model: provider.model };
    const out = await judge(INPUT, { provider: cached });
    assert.equal(out.verdict, 'pass');
    assert.deepEqual(out.usage, { inputTokens: 200, outputTokens: 20, cachedInputTokens: 120 });
  });

  it('gives up after one repair round with judgment/unparseable', async () => {
    const provider = new ScriptedProvider(['nope', '{"verdict": "pass", "findings": "none"}']);
    const out = await judge(INPUT, { provider });
    assert.equal(out.verdict, 'unparseable');
    assert.equal(out.passed, false);
    assert.equal(out.findings.length, 1);
    assert.equal(out.findings[0].rule, 'judgment/unparseable');
    assert.equal(out.findings[0].severity, 'error');
    assert.match(out.findings[0].evidence ?? '', /"findings": "none"/);
    assert.equal(provider.requests.length, 2);
  });

  it('turns a bare fail verdict into an error finding', async () => {
    const out = await judge(INPUT, { provider: new ScriptedProvider(['{"verdict":"fail","findings":[{"severity":"warning","rule":"style","message":"naming","file":null,"line":null}]}']) });
    assert.equal(out.passed, false);
    assert.deepEqual(
      out.findings.map((f) => [f.rule, f.severity]),
      [
        ['judgment/style', 'warning'],
        ['judgment/fail', 'error'],
      ],
    );
    assert.equal(out.findings[0].file, undefined);
  });

  it('lets provider errors propagate: they are not a verdict', async () => {
    await assert.rejects(judge(INPUT, { provider: new ScriptedProvider([new Error('boom')]) }), /boom/);
  });
});
