/**
 * The spec, plan and simulator scenario of one field case: a coordinator that plans one task (the
 * upstream fix, its acceptance check the case's own test command), a test author that writes the
 * upstream test file(s), an implementor that does whatever the case's attempt says, and a verifier
 * whose judgment passes (it only runs when every deterministic check passed).
 */
import { answers, editCalls } from './fieldEdits';
import type { FieldCase } from './harvest/verifyCase';

export const TASK_ID = 'upstream-fix';

/** Who writes the acceptance tests: the test-author agent (frozen before the implementor starts) or the implementor itself. */
export type TestsBy = 'testAuthor' | 'implementor';

/** A file write: full content. */
export type Writes = Record<string, string>;

export interface ScenarioInput {
  fieldCase: FieldCase;
  testsBy: TestsBy;
  /** The acceptance test files and their content (the upstream fix's, or a variant). */
  tests: Writes;
  /** What the implementor writes on its first attempt (nothing: it reports done with no change). */
  implementor: Writes;
  /** The implementor's summary on attempt 1. */
  summary: string;
  /** A cheat: the implementor's attempt 2 reports blocked, so a rejected task is not verified twice. */
  blockOnRetry: boolean;
  /** A file as the repository's base commit has it (null: not there). */
  baseContent: (path: string) => string | null;
}

export function specText(c: FieldCase, testFiles: readonly string[]): string {
  return [
    `# ${c.name}: ${c.fixSubject}`,
    '',
    `${c.upstream} at ${c.baseCommit.slice(0, 10)}, a JavaScript library tested with ${c.runner}. The task is the upstream`,
    `fix ${c.fixCommit.slice(0, 10)}; its tests run with \`${c.testCommand.join(' ')}\`.`,
    '',
    `## R1: ${c.fixSubject.replace(/\s*\(#\d+\)$/, '')}`,
    '',
    `Fix the bug the upstream commit "${c.fixSubject}" fixes, in ${c.sourceFiles.join(', ')}.`,
    '',
    'Acceptance:',
    `- ${acceptanceCriterion(c, testFiles)}`,
    '',
  ].join('\n');
}

/** The spec's one acceptance criterion, which the plan's coverage quotes. */
function acceptanceCriterion(c: FieldCase, testFiles: readonly string[]): string {
  return `\`${c.testCommand.join(' ')}\` passes with the upstream tests of the fix (test \`${testFiles.join('`, `')}\`)`;
}

export function planJson(c: FieldCase, testFiles: readonly string[], testsBy: TestsBy): string {
  const check = { kind: 'failToPass', command: c.testCommand, testFiles, ...(testsBy === 'testAuthor' ? { testsBy: 'testAuthor' } : {}) };
  const task = {
    id: TASK_ID,
    title: c.fixSubject.slice(0, 80),
    instructions: `Fix the bug described by R1 in ${c.sourceFiles.join(', ')}. The acceptance tests are ${testFiles.join(', ')}.`,
    requirementIds: ['R1'],
    // The test author writes the tests; the implementor's scope is the source the fix changes.
    fileScope: testsBy === 'testAuthor' ? c.sourceFiles : [...new Set([...c.sourceFiles, ...testFiles])],
    dependsOn: [],
    acceptance: [check],
    coverage: [{ requirementId: 'R1', criterion: acceptanceCriterion(c, testFiles), shownBy: `the upstream tests ${testFiles.join(', ')} fail on the base commit and pass with the fix` }],
  };
  return JSON.stringify({ tasks: [task] }, null, 1);
}

function report(status: 'done' | 'blocked', summary: string, filesChanged: string[]) {
  return { toolCalls: [{ name: 'report_result', arguments: { status, summary, filesChanged, testsRun: [] } }] };
}

/** One agent's turns: its writes (as few answers as fit under the output cap), then its report. */
function writeAndReport(files: Writes, before: (path: string) => string | null, summary: string) {
  const calls = Object.entries(files).flatMap(([path, content]) => editCalls(path, before(path), content));
  return [...answers(calls).map((toolCalls) => ({ toolCalls })), report('done', summary, Object.keys(files))];
}

export function scenarioOf(input: ScenarioInput): object {
  const c = input.fieldCase;
  const testFiles = Object.keys(input.tests);
  const implementorWrites: Writes = input.testsBy === 'implementor' ? { ...input.tests, ...input.implementor } : input.implementor;
  // What the implementor finds: the frozen tests on top of base.
  const atStart = (path: string) => (input.testsBy === 'testAuthor' && path in input.tests ? input.tests[path] : input.baseContent(path));
  return {
    name: `field-${c.name}`,
    model: 'loom-sim-1',
    defaultLatencyMs: 0,
    chunkChars: 4000,
    agents: [
      { match: { role: 'coordinator' }, turns: [{ content: planJson(c, testFiles, input.testsBy) }] },
      ...(input.testsBy === 'testAuthor'
        ? [{ match: { role: 'testAuthor', task: TASK_ID }, turns: writeAndReport(input.tests, input.baseContent, `The upstream tests of ${c.fixCommit.slice(0, 10)}.`) }]
        : []),
      ...(input.blockOnRetry
        ? [{ match: { role: 'implementor', task: TASK_ID, attempt: 2 }, turns: [report('blocked', 'Giving up: the verifier rejected the change.', [])] }]
        : []),
      { match: { role: 'implementor', task: TASK_ID }, turns: writeAndReport(implementorWrites, atStart, input.summary) },
      { match: { role: 'verifier' }, turns: [{ content: '{"verdict": "pass", "findings": []}' }] },
    ],
  };
}
