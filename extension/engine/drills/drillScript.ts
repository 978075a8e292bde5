import type { RunEvent } from '../../protocol/events';

/** Building blocks of the drills' simulator scenarios: plan tasks, tool calls and verdicts as a model would send them. */

export const PASS_VERDICT = JSON.stringify({ verdict: 'pass', findings: [] });

export const writeFile = (path: string, content: string) => ({ name: 'write_file', arguments: { path, content } });
export const readFile = (path: string) => ({ name: 'read_file', arguments: { path } });
export const reportDone = (summary: string, filesChanged: string[], testsRun: string[] = []) => ({
  name: 'report_result',
  arguments: { status: 'done', summary, filesChanged, testsRun },
});
export const reportBlocked = (summary: string) => ({ name: 'report_result', arguments: { status: 'blocked', summary, filesChanged: [], testsRun: [] } });

/**
 * A plan task; with `testFile`, decided by that test failing on the base and passing on the branch. Its coverage quotes
 * the criterion `drillSpec` writes for a requirement named like the task (`after-claim` covers `after claim works`).
 */
export function planTask(id: string, requirement: string, scope: string[], testFile: string | null, dependsOn: string[] = []) {
  const criterion = `${id.replace(/-/g, ' ')} works`;
  return {
    id,
    title: id,
    instructions: `Do ${id} as ${requirement} says.`,
    requirementIds: [requirement],
    coverage: [{ requirementId: requirement, criterion, shownBy: testFile ?? 'the verifier' }],
    fileScope: scope,
    dependsOn,
    acceptance: testFile ? [{ kind: 'failToPass', command: ['node', '--test', testFile], testFiles: [testFile], testsBy: 'spec' }] : [],
  };
}

/** The coordinator's answer: the plan as JSON text. */
export const coordinator = (tasks: (ReturnType<typeof planTask> & { budgetTokens?: number })[]) => ({ match: { role: 'coordinator' }, turns: [{ content: JSON.stringify({ tasks }) }] });

/** `src/<name>.js` exporting `value`, and a node:test file that wants it to be `expected`. */
export function valueModule(name: string, value: number, expected: number): Record<string, string> {
  return {
    [`src/${name}.js`]: valueSource(value),
    [`test/${name}.test.js`]: valueTest(name, expected),
  };
}

export const valueSource = (value: number) => `module.exports = { value: ${value} };\n`;
export const valueTest = (name: string, expected: number) =>
  `const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { value } = require('../src/${name}.js');\ntest('${name}', () => assert.equal(value, ${expected}));\n`;

/** A spec with one requirement (`R1`, `R2`…) per entry. */
export function drillSpec(requirements: string[]): string {
  return `# Drill spec\n\n${requirements.map((r, i) => `## R${i + 1}: ${r}\n\n${r}.\n\nAcceptance:\n- ${r} works\n`).join('\n')}`;
}

export function eventsOf<T extends RunEvent['type']>(events: readonly RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

/** Each task's status, as `id status` pairs: the short form of a run's outcome. */
export function taskStatuses(state: { tasks: readonly { task: { id: string }; status: string }[] }): string {
  return state.tasks.map((t) => `${t.task.id} ${t.status}`).join(', ');
}
