import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractJson, planWithModel } from '../../../../extension/engine/plan/planWithModel';
import { validatePlan } from '../../../../extension/engine/plan/validatePlan';
import type { ChatRequest, ChatResponse, ModelProvider } from '../../../../extension/engine/models/modelProvider';
import { parseSpec } from '../../../../extension/engine/spec/parseSpec';
import { PlanSchema } from '../../../../extension/protocol/plan';
import type { Spec } from '../../../../extension/protocol/spec';

const ROOT = join(__dirname, '../../../..');

function specAt(path: string): Spec {
  const parsed = parseSpec(readFileSync(join(ROOT, path), 'utf8'), path);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.spec;
}

/** The demo coordinator's plans as the simulator answers them: the first (forgets R4), then the repaired one. */
function demoPlans(): unknown[] {
  const scenario = JSON.parse(readFileSync(join(ROOT, 'examples/demo/scenario.json'), 'utf8')) as { agents: { match: { role: string }; turns: { content: string }[] }[] };
  const coordinator = scenario.agents.find((a) => a.match.role === 'coordinator');
  assert.ok(coordinator);
  return coordinator.turns.map((t) => {
    const json = extractJson({ content: t.content, toolCalls: [] });
    assert.ok(json.ok);
    return json.value;
  });
}

function errorsOf(raw: unknown, spec: Spec): string[] {
  const r = validatePlan(raw, spec);
  assert.equal(r.ok, false, 'expected the plan to be rejected');
  return r.ok ? [] : r.errors;
}

/** A spec with two criteria on R1 and one on R2, for plans written by hand. */
const twoCriteria = ((): Spec => {
  const parsed = parseSpec(
    [
      '# textkit',
      '',
      '## R1: slugify',
      '',
      '`slugify(text)` turns a title into a URL slug.',
      '',
      'Acceptance:',
      "- `slugify('Hello, World!')` returns `'hello-world'` (test `test/slugify.test.js`)",
      '- `slugify(42)` throws a `TypeError`',
      '',
      '## R2: truncate',
      '',
      '`truncate(text, max)` shortens text to at most `max` characters.',
      '',
      'Acceptance:',
      "- `truncate('hello world', 8)` returns `'hello…'`",
      '',
    ].join('\n'),
    'spec.md',
  );
  assert.ok(parsed.ok);
  return parsed.spec;
})();

const HELLO = "`slugify('Hello, World!')` returns `'hello-world'` (test `test/slugify.test.js`)";
const THROWS = '`slugify(42)` throws a `TypeError`';
const TRUNCATE = "`truncate('hello world', 8)` returns `'hello…'`";

function goodPlan() {
  return {
    tasks: [
      {
        id: 'add-slugify',
        title: 'Add slugify',
        instructions: 'Create src/slugify.js exporting slugify(text).',
        requirementIds: ['R1'],
        fileScope: ['src/slugify.js'],
        acceptance: [{ kind: 'failToPass', command: ['node', '--test', 'test/slugify.test.js'], testFiles: ['test/slugify.test.js'] }],
        coverage: [
          { requirementId: 'R1', criterion: HELLO, shownBy: 'test/slugify.test.js asserts it' },
          { requirementId: 'R1', criterion: THROWS, shownBy: 'test/slugify.test.js asserts the TypeError' },
        ],
      },
      {
        id: 'add-truncate',
        title: 'Add truncate',
        instructions: 'Create src/truncate.js exporting truncate(text, max).',
        requirementIds: ['R2'],
        fileScope: ['src/truncate.js'],
        acceptance: [{ kind: 'failToPass', command: ['node', '--test', 'test/truncate.test.js'], testFiles: ['test/truncate.test.js'] }],
        coverage: [{ requirementId: 'R2', criterion: TRUNCATE, shownBy: 'test/truncate.test.js asserts it' }],
      },
    ],
  };
}

describe('engine/plan/planCoverage: a plan must show how its tasks address the spec', () => {
  it("accepts the demo's repaired plan for the demo's spec, and rejects its first plan only for the forgotten R4", () => {
    const spec = specAt('examples/demo/spec.md');
    const [first, repaired] = demoPlans();
    const ok = validatePlan(repaired, spec);
    assert.ok(ok.ok, ok.ok ? '' : ok.errors.join('\n'));
    assert.equal(ok.plan.tasks.every((t) => (t.coverage ?? []).length > 0), true);
    const errors = errorsOf(first, spec);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /^requirement R4 \(mean\) is not covered by any task: .*`mean\(\[2, 4, 6\]\)` is `4`/);
  });

  it("rejects the demo's plan for another spec (the simulator replaying the demo on another repository), naming what it misses", () => {
    const spec = specAt('examples/spec.md');
    const errors = errorsOf(demoPlans()[1], spec);
    // Every task quotes a criterion the textkit spec does not have...
    assert.ok(errors.some((e) => e.startsWith('task "add-multiply" coverage[0] quotes "`multiply(3, 4)` is `12`') && e.includes("as a criterion of R2 (truncate), but the spec has no such criterion: R2's criteria: \"`truncate('hello world', 8)`")), errors.join('\n'));
    assert.ok(errors.some((e) => e.startsWith('task "add-mean" coverage[0] quotes') && e.includes('R4 (package entry point)')), errors.join('\n'));
    // ...so every criterion of the spec is uncovered, each named with what to add.
    for (const req of spec.requirements) {
      for (const criterion of req.acceptance) {
        assert.ok(errors.some((e) => e.startsWith(`acceptance criterion ${JSON.stringify(criterion)} of ${req.id} (${req.title}) is not covered by any task`)), `${req.id}: ${criterion}`);
      }
    }
    // And the tasks' own words are about something else (a supporting signal).
    assert.ok(errors.some((e) => e.startsWith('task "add-divide" names R3 (case conversion), but its title, instructions and fileScope share no word')), errors.join('\n'));
  });

  it('accepts a plan that quotes every criterion, tolerating small wording differences', () => {
    assert.ok(validatePlan(goodPlan(), twoCriteria).ok);
    const loose = goodPlan();
    // Backticks gone, the "(test …)" note dropped, one word changed.
    loose.tasks[0].coverage[0].criterion = "slugify('Hello, World!') gives 'hello-world'";
    const r = validatePlan(loose, twoCriteria);
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  });

  it('rejects a task that quotes a made-up criterion, listing the real ones', () => {
    const plan = goodPlan();
    plan.tasks[0].coverage[1].criterion = 'slugify is fast on long inputs';
    assert.deepEqual(errorsOf(plan, twoCriteria), [
      `task "add-slugify" coverage[1] quotes "slugify is fast on long inputs" as a criterion of R1 (slugify), but the spec has no such criterion: R1's criteria: ${JSON.stringify(HELLO)}; ${JSON.stringify(THROWS)}`,
      `acceptance criterion ${JSON.stringify(THROWS)} of R1 (slugify) is not covered by any task: add {"requirementId": "R1", "criterion": ${JSON.stringify(THROWS)}, "shownBy": "<the acceptance check that shows it>"} to the coverage of the task that satisfies it`,
    ]);
  });

  it("says so when a quote is another requirement's criterion", () => {
    const plan = goodPlan();
    plan.tasks[0].coverage[1].criterion = TRUNCATE;
    assert.ok(errorsOf(plan, twoCriteria).some((e) => e.includes('but the spec has no such criterion (that is a criterion of R2, not of R1)')));
  });

  it('rejects a plan that leaves one criterion of a covered requirement unquoted', () => {
    const plan = goodPlan();
    plan.tasks[0].coverage.pop();
    assert.deepEqual(errorsOf(plan, twoCriteria), [
      `acceptance criterion ${JSON.stringify(THROWS)} of R1 (slugify) is not covered by any task: add {"requirementId": "R1", "criterion": ${JSON.stringify(THROWS)}, "shownBy": "<the acceptance check that shows it>"} to the coverage of the task that satisfies it`,
    ]);
  });

  it('rejects a new plan without coverage, though a journaled plan without it still reads', () => {
    const plan = goodPlan() as { tasks: Record<string, unknown>[] };
    delete plan.tasks[1].coverage;
    const errors = errorsOf(plan, twoCriteria);
    assert.match(errors[0], /^task "add-truncate" has no coverage: for each acceptance criterion it satisfies, add \{"requirementId": "R2", /);
    // The schema journals and folds use is tolerant: plans written before coverage existed.
    assert.ok(PlanSchema.safeParse(plan).success);
  });

  it('replaying a journal recorded before coverage: a plan without any coverage is held to the old rules, one that answers it to the new', () => {
    const old = goodPlan() as { tasks: Record<string, unknown>[] };
    for (const t of old.tasks) delete t.coverage;
    assert.ok(validatePlan(old, twoCriteria, undefined, 'ifAnswered').ok);
    // The old rules still hold: every requirement named by a task.
    assert.match(errorsOf({ tasks: [old.tasks[0]] }, twoCriteria)[0], /^task "add-slugify" has no coverage/);
    const oldMissing = validatePlan({ tasks: [old.tasks[0]] }, twoCriteria, undefined, 'ifAnswered');
    assert.deepEqual(oldMissing.ok ? [] : oldMissing.errors.map((e) => e.slice(0, 60)), ['requirement R2 (truncate) is not covered by any task: add it']);
    const wrong = goodPlan();
    wrong.tasks[0].coverage[1].criterion = 'slugify is fast on long inputs';
    assert.equal(validatePlan(wrong, twoCriteria, undefined, 'ifAnswered').ok, false);
  });

  it('rejects a coverage entry for a requirement the task does not name, and a task naming a requirement it does not cover', () => {
    const plan = goodPlan();
    plan.tasks[1].requirementIds = ['R1', 'R2'];
    plan.tasks[0].coverage.push({ requirementId: 'R2', criterion: TRUNCATE, shownBy: 'x' });
    const errors = errorsOf(plan, twoCriteria);
    assert.ok(errors.includes(`task "add-slugify" coverage[2] is for R2, which is not in the task's requirementIds: add R2 there or remove the entry`), errors.join('\n'));
    assert.ok(errors.some((e) => e.startsWith(`task "add-truncate" names R1 but its coverage quotes none of R1's criteria`)), errors.join('\n'));
  });

  it('rejects a task whose own words share nothing with the requirement it quotes, even with a correct quote', () => {
    const plan = goodPlan();
    Object.assign(plan.tasks[1], { title: 'Add multiply', instructions: 'Create src/multiply.js exporting multiply(a, b).', fileScope: ['src/multiply.js'] });
    assert.deepEqual(errorsOf(plan, twoCriteria), [
      'task "add-truncate" names R2 (truncate), but its title, instructions and fileScope share no word with R2\'s text or criteria: say in its instructions what it does for R2, or name the requirement it really addresses',
    ]);
  });

  it('sends the coverage errors back in the repair round, and the repaired plan is accepted', async () => {
    const bad = goodPlan();
    bad.tasks[0].coverage[1].criterion = 'slugify is fast on long inputs';
    const replies = [JSON.stringify(bad), JSON.stringify(goodPlan())];
    const requests: ChatRequest[] = [];
    const provider: ModelProvider = {
      model: 'scripted',
      chat: async (request: ChatRequest): Promise<ChatResponse> => {
        requests.push(request);
        return { content: replies.shift() ?? '', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, model: 'scripted' };
      },
    };
    const r = await planWithModel({ provider, spec: twoCriteria, repoFiles: [] });
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
    assert.equal(r.attempts, 2);
    const repair = requests[1].messages.at(-1)?.content ?? '';
    assert.match(repair, /- task "add-slugify" coverage\[1\] quotes "slugify is fast on long inputs" as a criterion of R1 \(slugify\), but the spec has no such criterion/);
    assert.match(repair, /- acceptance criterion "`slugify\(42\)` throws a `TypeError`" of R1 \(slugify\) is not covered by any task/);
  });
});
