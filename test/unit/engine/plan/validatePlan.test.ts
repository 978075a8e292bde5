import assert from 'node:assert/strict';
import { topologicalOrder, validatePlan } from '../../../../extension/engine/plan/validatePlan';
import type { Plan } from '../../../../extension/protocol/plan';
import type { Spec } from '../../../../extension/protocol/spec';

const spec: Spec = {
  title: 'T',
  overview: '',
  revision: 'x',
  requirements: [
    { id: 'R1', title: 'one', text: '', acceptance: ['one works'], line: 2 },
    { id: 'R2', title: 'two', text: '', acceptance: ['two works'], line: 5 },
  ],
};

/** A task that does what its requirements ask and answers coverage for each (unless `extra` says otherwise). */
function task(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const requirementIds = (extra.requirementIds as string[] | undefined) ?? ['R1', 'R2'];
  const known = spec.requirements.filter((r) => requirementIds.includes(r.id));
  return {
    id,
    title: `Task ${id}`,
    instructions: `Make ${known.map((r) => r.title).join(' and ')} work.`,
    requirementIds,
    fileScope: [`src/${id}.ts`],
    coverage: known.map((r) => ({ requirementId: r.id, criterion: r.acceptance[0], shownBy: `test/${id}.test.ts` })),
    ...extra,
  };
}

function errorsOf(raw: unknown): string[] {
  const r = validatePlan(raw, spec);
  assert.equal(r.ok, false, 'expected the plan to be rejected');
  return r.ok ? [] : r.errors;
}

describe('engine/plan/validatePlan', () => {
  it('accepts a valid plan and applies defaults', () => {
    const r = validatePlan(
      {
        tasks: [
          task('a', { requirementIds: ['R1'], acceptance: [{ kind: 'failToPass', command: ['node', '--test', 't.js'] }] }),
          task('b', { requirementIds: ['R2'], dependsOn: ['a'], fileScope: ['src/**/*.ts'] }),
        ],
      },
      spec,
    );
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
    assert.deepEqual(r.plan.tasks[0].dependsOn, []);
    assert.deepEqual(r.plan.tasks[0].acceptance, [{ kind: 'failToPass', command: ['node', '--test', 't.js'], testFiles: [], testsBy: 'testAuthor' }]);
  });

  it('needs the tests of a fail-to-pass check to exist before the implementor: named test files for the test author, files in the repository for the spec', () => {
    const runnable = { allowlist: ['node'], confined: false, installed: () => true, repoFiles: ['test/a.test.js'] };
    const check = (extra: object) => ({ kind: 'failToPass', command: ['node', '--test'], ...extra });
    const r = validatePlan(
      {
        tasks: [
          task('a', { requirementIds: ['R1'], acceptance: [check({ testsBy: 'spec', testFiles: ['test/a.test.js'] }), check({ testFiles: ['test/new.test.js'] })] }),
          task('b', { requirementIds: ['R2'], acceptance: [check({ testsBy: 'spec', testFiles: ['test/gone.test.js'] }), check({})] }),
        ],
      },
      spec,
      runnable,
    );
    assert.ok(!r.ok);
    assert.deepEqual(r.errors, [
      'task "b" acceptance[0] says the spec names its tests (testsBy "spec"), but test/gone.test.js is not in the repository: name an existing test file, or let a test author write it (testsBy "testAuthor")',
      'task "b" acceptance[1] has its tests written by a test author (testsBy "testAuthor", the default) but names no testFiles: say which test files it writes',
    ]);
  });

  it('reports a cycle with its path', () => {
    const errors = errorsOf({ tasks: [task('a', { dependsOn: ['b'] }), task('b', { dependsOn: ['c'] }), task('c', { dependsOn: ['a'] })] });
    assert.deepEqual(errors, ['dependency cycle: a -> b -> c -> a (each task depends on the next); remove one of these dependencies']);
  });

  it('reports a two-task cycle once, and a self-dependency', () => {
    const errors = errorsOf({ tasks: [task('a', { dependsOn: ['b'] }), task('b', { dependsOn: ['a'] }), task('c', { dependsOn: ['c'] })] });
    assert.equal(errors.length, 2);
    assert.match(errors[0], /task "c" depends on itself/);
    assert.match(errors[1], /dependency cycle: a -> b -> a/);
  });

  it('reports an unknown dependency', () => {
    assert.deepEqual(errorsOf({ tasks: [task('a'), task('b', { dependsOn: ['zz'] })] }), ['task "b" depends on unknown task "zz" (known tasks: "a", "b")']);
  });

  it('reports an unknown requirement', () => {
    assert.deepEqual(errorsOf({ tasks: [task('a', { requirementIds: ['R1', 'R2', 'R9'] })] }), [
      'task "a" names requirement R9, which is not in the spec (the spec has R1, R2)',
    ]);
  });

  it('reports an uncovered requirement', () => {
    assert.deepEqual(errorsOf({ tasks: [task('a', { requirementIds: ['R1'] })] }), [
      `requirement R2 (two) is not covered by any task: add it to a task's requirementIds and quote its criteria in that task's coverage (R2's criteria: "two works")`,
    ]);
  });

  it('reports a duplicate id', () => {
    assert.deepEqual(errorsOf({ tasks: [task('a'), task('a')] }), ['duplicate task id "a" (tasks[0] and tasks[1]): task ids must be unique']);
  });

  it('reports a bad id with its place, and still runs the semantic checks', () => {
    const errors = errorsOf({ tasks: [task('Bad_ID', { requirementIds: ['R1'] })] });
    assert.equal(errors.length, 2);
    assert.match(errors[0], /^tasks\[0\] \(id "Bad_ID"\)\.id: task ids are lowercase letters, digits and dashes/);
    assert.match(errors[1], /requirement R2 \(two\) is not covered/);
  });

  it('reports schema errors by path', () => {
    const errors = errorsOf({ tasks: [task('a', { fileScope: [], acceptance: [{ kind: 'judge', command: 'npm test' }, { kind: 'lint', command: 'npm run lint' }] })] });
    assert.ok(errors.includes('tasks[0] (id "a").fileScope: Too small: expected array to have >=1 items'), errors.join('\n'));
    assert.ok(errors.some((e) => /^tasks\[0\] \(id "a"\)\.acceptance\[0\]\.kind: unknown check kind: use "failToPass", "passToPass" or "lint"$/.test(e)), errors.join('\n'));
    assert.ok(errors.some((e) => /^tasks\[0\] \(id "a"\)\.acceptance\[1\]\.command: .*expected array/.test(e)), errors.join('\n'));
  });

  it('reports a plan that is not an object, without semantic noise', () => {
    assert.deepEqual(errorsOf([task('a')]), ['plan: Invalid input: expected object, received array']);
    assert.deepEqual(errorsOf({ tasks: [] }), [
      'tasks: Too small: expected array to have >=1 items',
      `requirement R1 (one) is not covered by any task: add it to a task's requirementIds and quote its criteria in that task's coverage (R1's criteria: "one works")`,
      `requirement R2 (two) is not covered by any task: add it to a task's requirementIds and quote its criteria in that task's coverage (R2's criteria: "two works")`,
    ]);
  });

  it('rejects file scopes that are absolute, escape the repo, are negated or use backslashes', () => {
    const errors = errorsOf({ tasks: [task('a', { fileScope: ['/etc/passwd', '../x/**', '!src/**', 'src\\a.ts', 'ok/**'] })] });
    assert.deepEqual(errors, [
      'task "a" fileScope "/etc/passwd": must be relative to the repository root, not absolute',
      'task "a" fileScope "../x/**": must stay inside the repository (no `..` segments)',
      'task "a" fileScope "!src/**": negated globs are not allowed in a file scope; list the files the task may change',
      'task "a" fileScope "src\\a.ts": use forward slashes (paths are repo-relative POSIX paths)',
    ]);
  });
});

describe('engine/plan/topologicalOrder', () => {
  function plan(...tasks: [string, string[]][]): Plan {
    return {
      tasks: tasks.map(([id, dependsOn]) => ({ id, title: id, instructions: 'x', requirementIds: ['R1'], fileScope: ['a'], dependsOn, acceptance: [] })),
    };
  }

  it('puts dependencies first, keeping plan order among ready tasks', () => {
    assert.deepEqual(topologicalOrder(plan(['d', ['b', 'c']], ['c', []], ['b', ['a']], ['a', []], ['e', []])), ['c', 'a', 'b', 'd', 'e']);
  });

  it('keeps the plan order when there are no dependencies', () => {
    assert.deepEqual(topologicalOrder(plan(['z', []], ['y', []], ['x', []])), ['z', 'y', 'x']);
  });

  it('throws on a cycle, naming it', () => {
    assert.throws(() => topologicalOrder(plan(['a', []], ['b', ['c']], ['c', ['b']])), /dependency cycle: b -> c -> b/);
  });

  it('throws on an unknown dependency', () => {
    assert.throws(() => topologicalOrder(plan(['a', ['q']])), /unknown task "q"/);
  });
});
