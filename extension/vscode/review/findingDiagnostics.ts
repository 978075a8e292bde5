import { isAbsolute, join, normalize } from 'node:path';
import type { RunState } from '../../protocol/runState';
import type { Finding } from '../../protocol/taskResult';
import type { TaskLease } from './taskLeases';

export interface FindingDiagnostic {
  taskId: string;
  /** Position of the finding in the task's findings (the key of `finding/review`). */
  index: number;
  /** 0-based, as VS Code ranges want it. */
  line: number;
  severity: Finding['severity'];
  message: string;
  rule: string;
}

/**
 * Verifier findings with a file, grouped by absolute path: in the task's worktree while it exists,
 * else in the repository. Findings a person dismissed are left out.
 */
export function findingDiagnostics(state: RunState, leases: ReadonlyMap<string, TaskLease>, dismissed: ReadonlySet<string> = new Set()): Map<string, FindingDiagnostic[]> {
  const byFile = new Map<string, FindingDiagnostic[]>();
  if (!state.repo) return byFile;
  for (const t of state.tasks) {
    const lease = leases.get(t.task.id);
    const root = lease?.present ? lease.path : state.repo;
    t.findings.forEach((f, index) => {
      if (!f.file || dismissed.has(findingKey(t.task.id, index))) return;
      const path = isAbsolute(f.file) ? normalize(f.file) : join(root, f.file);
      const list = byFile.get(path) ?? [];
      list.push({
        taskId: t.task.id,
        index,
        line: Math.max(0, (f.line ?? 1) - 1),
        severity: f.severity,
        message: `${f.message}${f.evidence ? `\n${f.evidence.slice(0, 500)}` : ''}`,
        rule: f.rule,
      });
      byFile.set(path, list);
    });
  }
  return byFile;
}

export function findingKey(taskId: string, index: number): string {
  return `${taskId}#${index}`;
}
