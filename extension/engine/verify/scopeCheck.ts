import picomatch from 'picomatch';
import type { Finding } from '../../protocol/taskResult';

/**
 * Files changed outside the task's fileScope globs. Warnings, not errors: a plan's scopes are a
 * prediction, and the conflict check before merge is the safety net.
 */
export function checkScope(changedFiles: readonly string[], fileScope: readonly string[]): Finding[] {
  const inScope = picomatch([...fileScope], { dot: true });
  return changedFiles
    .filter((file) => !inScope(file))
    .map((file) => ({
      severity: 'warning' as const,
      rule: 'scope/outside',
      message: `${file} changed outside the task's file scope (${fileScope.join(', ')})`,
      file,
    }));
}
