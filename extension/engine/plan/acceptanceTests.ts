import type { AcceptanceCheck, Task } from '../../protocol/plan';

type FailToPass = Extract<AcceptanceCheck, { kind: 'failToPass' }>;

function failToPassChecks(task: Task): FailToPass[] {
  return task.acceptance.filter((c): c is FailToPass => c.kind === 'failToPass');
}

/** Whether a test author writes (some of) the task's acceptance tests before its implementor starts. */
export function needsTestAuthor(task: Task): boolean {
  return failToPassChecks(task).some((c) => c.testsBy === 'testAuthor');
}

/** The test files the test author is asked to write (the testAuthor checks' testFiles). */
export function authoredTestFiles(task: Task): string[] {
  return [...new Set(failToPassChecks(task).filter((c) => c.testsBy === 'testAuthor').flatMap((c) => c.testFiles))];
}

/** Every acceptance test file of the task: frozen at its start commit, whoever wrote it. */
export function acceptanceTestFiles(task: Task): string[] {
  return [...new Set(failToPassChecks(task).flatMap((c) => c.testFiles))];
}
