import type { ChatMessage } from '../../protocol/chat';
import type { Task } from '../../protocol/plan';
import type { Spec } from '../../protocol/spec';
import { authoredTestFiles } from '../plan/acceptanceTests';

/**
 * The test author's opening messages. It sees the spec and the code (through its tools), never an
 * implementor: it writes the tests that will decide the task before anyone tries to pass them.
 */
export function testAuthorMessages(spec: Spec, task: Task): ChatMessage[] {
  const requirements = spec.requirements
    .filter((r) => task.requirementIds.includes(r.id))
    .map((r) => `## ${r.id}: ${r.title}\n${r.text}\nAcceptance:\n${r.acceptance.map((a) => `- ${a}`).join('\n')}`)
    .join('\n\n');
  const files = authoredTestFiles(task);
  const commands = task.acceptance.filter((c) => c.kind === 'failToPass' && c.testsBy === 'testAuthor').map((c) => `- ${c.command.join(' ')}`);
  return [
    {
      role: 'system',
      content: [
        'You are a test-author agent in Loom. Before an implementor starts on a task, you write its acceptance tests.',
        'Use the tools to read the code and write test files (paths are relative to your worktree).',
        `Write the tests in: ${files.join(', ')}. An existing test file may gain tests; do not weaken the tests already in it.`,
        'The tests must check what the requirements ask for, and fail on the current code for an assertion reason (not because something cannot load).',
        'Change only test files: Loom keeps only them, puts anything else back, and freezes the tests so the implementor cannot change them.',
        'When you are finished, call report_result exactly once with status, a short summary, filesChanged and testsRun.',
      ].join('\n'),
    },
    {
      role: 'user',
      content: `# Spec: ${spec.title}\n${spec.overview}\n\n${requirements}\n\n# Task ${task.id}: ${task.title}\n${task.instructions}\n\nThe verifier will run:\n${commands.join('\n')}`,
    },
  ];
}
