import type { Plan } from '../../protocol/plan';

/** The modal's message and detail for the first human gate: tasks, their scopes and dependencies. */
export function planConfirmation(plan: Plan): { message: string; detail: string } {
  const lines: string[] = [];
  for (const task of plan.tasks) {
    lines.push(`• ${task.id}: ${task.title}`);
    lines.push(`    requirements: ${task.requirementIds.join(', ')}`);
    lines.push(`    scope: ${task.fileScope.join(', ')}`);
    lines.push(`    after: ${task.dependsOn.length ? task.dependsOn.join(', ') : '—'}`);
    if (task.acceptance.length) lines.push(`    checks: ${task.acceptance.map((c) => `${c.kind} (${c.command.join(' ')})`).join('; ')}`);
  }
  const n = plan.tasks.length;
  return { message: `Loom: run this plan of ${n} task${n === 1 ? '' : 's'}?`, detail: lines.join('\n') };
}
