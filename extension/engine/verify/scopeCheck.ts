import picomatch from 'picomatch';
import type { Finding } from '../../protocol/taskResult';
import { countOf } from '../../protocol/views/plural';

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

/**
 * The scope check's line, read the way it went: "3 changed files, all inside the file scope", or
 * "2 of 3 changed files inside the file scope; 1 outside, allowed with a warning" (it passes).
 */
export function scopeSummary(changed: number, outside: number): string {
  if (changed === 0) return 'no files changed';
  if (outside === 0) return `${countOf(changed, 'changed file')}, all inside the file scope`;
  return `${changed - outside} of ${countOf(changed, 'changed file')} inside the file scope; ${outside} outside, allowed with a warning`;
}
