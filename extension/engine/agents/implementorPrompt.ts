import type { ChatMessage } from '../../protocol/chat';
import type { Task } from '../../protocol/plan';
import type { Spec } from '../../protocol/spec';
import type { Finding } from '../../protocol/taskResult';
import { acceptanceTestFiles } from '../plan/acceptanceTests';

/** The implementor's opening messages: the spec's relevant requirements and the task stay pinned first. */
export function implementorMessages(spec: Spec, task: Task): ChatMessage[] {
  const requirements = spec.requirements
    .filter((r) => task.requirementIds.includes(r.id))
    .map((r) => `## ${r.id}: ${r.title}\n${r.text}\nAcceptance:\n${r.acceptance.map((a) => `- ${a}`).join('\n')}`)
    .join('\n\n');
  const checks = task.acceptance.map((c) => `- ${c.kind}: ${c.command.join(' ')}`).join('\n') || '- (none declared)';
  const frozen = acceptanceTestFiles(task);
  return [
    {
      role: 'system',
      content: [
        'You are an implementor agent in Loom. You work alone in your own git worktree on one task.',
        'Use the tools to read, write and search files (paths are relative to the worktree) and to run allowed commands.',
        `Change only what the task needs; the files you are expected to change: ${task.fileScope.join(', ')}.`,
        'Do not edit existing tests to make them pass: a verifier runs its own pristine copy of the tests.',
        ...(frozen.length ? [`The acceptance tests are frozen and already in your worktree: ${frozen.join(', ')}. Make them pass by changing the code; any change to them fails verification. Tests you add are welcome but are never the evidence.`] : []),
        'When you are finished, call report_result exactly once with status, a short summary, filesChanged and testsRun.',
      ].join('\n'),
    },
    {
      role: 'user',
      content: `# Spec: ${spec.title}\n${spec.overview}\n\n${requirements}\n\n# Task ${task.id}: ${task.title}\n${task.instructions}\n\nAcceptance checks the verifier will run:\n${checks}`,
    },
  ];
}

/** The message that sends a task back after a failed verification. */
export function findingsMessage(findings: readonly Finding[]): ChatMessage {
  const lines = findings.map((f) => `- [${f.severity}] ${f.rule}${f.file ? ` ${f.file}${f.line ? `:${f.line}` : ''}` : ''}: ${f.message}`);
  return {
    role: 'user',
    content: `The verifier rejected your result. Fix these findings, then call report_result again:\n${lines.join('\n')}`,
  };
}

export const NUDGE_USE_TOOLS: ChatMessage = {
  role: 'user',
  content: 'Act through the tools. When the task is complete, call report_result.',
};

export const NUDGE_REPEATING: ChatMessage = {
  role: 'user',
  content: 'You are repeating the same tool call with the same arguments. Try something different or report_result with status "blocked".',
};

/** The merge agent's opening messages: its task's instructions carry both sides' intent. */
export function mergerMessages(spec: Spec, task: Task): ChatMessage[] {
  // The user message (spec requirements, task, checks) is the implementor's; only the role changes.
  const user = implementorMessages(spec, task)[1];
  return [
    {
      role: 'system',
      content: [
        'You are a merge agent in Loom. Two verified tasks changed the same lines; their merge is checked out in your worktree',
        `with git conflict markers (<<<<<<<, =======, >>>>>>>) in: ${task.fileScope.join(', ')}.`,
        'Edit those files so that both tasks\' intent is kept and no conflict marker remains. Do not touch other files.',
        'Run the checks you are given, then call report_result exactly once.',
      ].join('\n'),
    },
    user,
  ];
}
