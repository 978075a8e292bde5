import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validatePlan } from '../../../extension/engine/plan/validatePlan';
import { formatReport } from '../../../extension/engine/run/report';
import { parseScenario } from '../../../extension/engine/simulator/loadScenario';
import { parseSpec } from '../../../extension/engine/spec/parseSpec';
import type { Spec } from '../../../extension/protocol/spec';
import { ROOT, runScenario, type RunResult } from '../engine/run/runHarness';

/** The ```json blocks of a Markdown file under docs/ that are whole JSON documents (fragments are skipped). */
function jsonBlocks(doc: string): unknown[] {
  const text = fs.readFileSync(path.join(ROOT, 'docs', doc), 'utf8');
  return [...text.matchAll(/```json\n([\s\S]*?)```/g)].flatMap((m) => {
    try {
      return [JSON.parse(m[1])];
    } catch {
      return [];
    }
  });
}

/** The spec in the first ```markdown block of a doc: the one its example plan answers. */
function docSpec(doc: string): Spec {
  const text = fs.readFileSync(path.join(ROOT, 'docs', doc), 'utf8');
  const block = /```markdown\n([\s\S]*?)```/.exec(text);
  assert.ok(block, `${doc} shows the spec its example answers`);
  const parsed = parseSpec(block[1], doc);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.spec;
}

describe('the examples in docs/ work as written', function () {
  this.timeout(120_000);
  let run: RunResult | undefined;
  after(async () => run?.cleanup());

  it('docs/plan-format.md: the example plan is valid, and runnable with the default allowlist', () => {
    const [plan] = jsonBlocks('plan-format.md');
    const result = validatePlan(plan, docSpec('plan-format.md'), { allowlist: ['node', 'npm', 'npx'], confined: true });
    assert.ok(result.ok, JSON.stringify(result));
  });

  it('a plan whose check could never run goes back to the coordinator with the reason', () => {
    const [plan] = jsonBlocks('plan-format.md') as [{ tasks: { acceptance: { command: string[] }[] }[] }];
    plan.tasks[0].acceptance[0].command = ['jest', 'test/slugify.test.js'];
    plan.tasks[1].acceptance[0].command = ['node', '--test'];
    const result = validatePlan(plan, docSpec('plan-format.md'), { allowlist: ['node', 'npm', 'npx', 'loom-not-installed'], confined: false, installed: (p) => p !== 'node' });
    assert.equal(result.ok, false);
    const errors = result.ok ? [] : result.errors;
    assert.ok(errors.some((e) => /task "add-slugify" acceptance\[0\] runs "jest", which is not on the command allowlist .*\["npx", "jest"/.test(e)), errors.join('\n'));
    assert.ok(errors.some((e) => /task "export-index" acceptance\[0\] runs "node", which is not installed/.test(e)), errors.join('\n'));
  });

  it('docs/scenarios.md: the complete example plans, implements through a 429, verifies fail-to-pass and merges', async () => {
    const [scenario] = jsonBlocks('scenarios.md').filter((b) => (b as { name?: string }).name === 'demo');
    assert.ok(scenario, 'the complete example is in docs/scenarios.md');
    parseScenario(scenario, 'docs/scenarios.md');
    run = await runScenario({
      files: {
        'src/sum.js': 'module.exports = { sum: () => 0 };\n',
        'test/sum.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { sum } = require('../src/sum.js');\ntest('sum', () => assert.equal(sum(2, 3), 5));\n",
      },
      spec: '# sum\n\n## R1: sum adds\n\n`sum(a, b)` returns `a + b`.\n\nAcceptance:\n- `sum(2, 3)` is `5` (test `test/sum.test.js`)\n',
      scenario: scenario as never,
    });
    assert.equal(run.state.status, 'succeeded', formatReport(run.state));
    assert.equal(run.state.tasks[0].status, 'merged');
  });
});
