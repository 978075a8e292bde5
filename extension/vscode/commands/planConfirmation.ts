import type { Plan } from '../../protocol/plan';

/** The modal's message and detail for the first human gate: tasks, their scopes and dependencies. */
export function planConfirmation(plan: Plan): { message: string; detail: string } {
  const lines: string[] = [];
  for (const task of plan.tasks) {
    // The modal trims leading spaces, so each task is a title line and one line of facts.
    const checks = task.acceptance.length ? ` · checks: ${task.acceptance.map((c) => `${c.kind} (${c.command.join(' ')})`).join('; ')}` : '';
    lines.push(`${task.id}: ${task.title}`);
    lines.push(`${task.requirementIds.join(', ')} · scope: ${task.fileScope.join(', ')} · after: ${task.dependsOn.length ? task.dependsOn.join(', ') : '—'}${checks}`);
    lines.push('');
  }
  const n = plan.tasks.length;
  return { message: `Loom: run this plan of ${n} task${n === 1 ? '' : 's'}?`, detail: lines.join('\n').trimEnd() };
}
