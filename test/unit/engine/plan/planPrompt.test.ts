import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpec } from '../../../../extension/engine/spec/parseSpec';
import { PLAN_SYSTEM_PROMPT, renderSpec, repairPrompt } from '../../../../extension/engine/plan/planPrompt';
import { validatePlan } from '../../../../extension/engine/plan/validatePlan';

describe('engine/plan/planPrompt', () => {
  const text = readFileSync(join(__dirname, '../../../../examples/spec.md'), 'utf8');
  const parsed = parseSpec(text, 'examples/spec.md');
  assert.ok(parsed.ok);
  const spec = parsed.spec;

  it('renders the spec so that it parses back to the same requirements', () => {
    const again = parseSpec(renderSpec(spec), 'rendered.md');
    assert.ok(again.ok);
    assert.deepEqual(
      again.spec.requirements.map(({ id, title, text: t, acceptance }) => ({ id, title, t, acceptance })),
      spec.requirements.map(({ id, title, text: t, acceptance }) => ({ id, title, t, acceptance })),
    );
    assert.equal(again.spec.title, spec.title);
  });

  it('describes every plan field and check kind', () => {
    for (const word of ['"id"', '"title"', '"instructions"', '"requirementIds"', '"fileScope"', '"dependsOn"', '"acceptance"', '"budgetTokens"', '"coverage"', '"criterion"', '"shownBy"', 'failToPass', 'passToPass', '"lint"', 'testFiles', 'argv', 'ONLY a JSON object']) {
      assert.ok(PLAN_SYSTEM_PROMPT.includes(word), word);
    }
  });

  it('has an example answer that is itself a valid plan for its example spec, coverage included', () => {
    const example = /Example\. For this spec:\n([\s\S]*?)\n\nExample of a complete answer[^\n]*\n(\{.*\})$/m.exec(PLAN_SYSTEM_PROMPT);
    assert.ok(example);
    const exampleSpec = parseSpec(example[1], 'example.md');
    assert.ok(exampleSpec.ok, exampleSpec.ok ? '' : JSON.stringify(exampleSpec.errors));
    const plan = JSON.parse(example[2]) as { tasks: { coverage: unknown[] }[] };
    const r = validatePlan(plan, exampleSpec.spec);
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
    assert.ok(plan.tasks.every((t) => t.coverage.length > 0), 'every example task answers coverage');
  });

  it('lists the errors in the repair message', () => {
    const m = repairPrompt(['a is wrong', 'b is wrong']);
    assert.equal(m.role, 'user');
    assert.match(m.content, /- a is wrong\n- b is wrong$/);
  });
});
