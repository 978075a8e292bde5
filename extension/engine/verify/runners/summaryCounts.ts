import type { TestCounts } from './testReport';

/** Totals from a summary such as jest's "1 failed, 1 skipped, 3 passed, 5 total" or vitest's "1 failed | 3 passed (4)". */
export function countsFromSummary(summary: string): TestCounts {
  const n = (label: string): number => Number(new RegExp(`(\\d+) ${label}`).exec(summary)?.[1] ?? 0);
  return { passed: n('passed'), failed: n('failed'), skipped: n('skipped') + n('todo') };
}
