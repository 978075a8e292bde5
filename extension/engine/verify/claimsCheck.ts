import type { Finding, TaskResult } from '../../protocol/taskResult';

function normalize(file: string): string {
  return file.trim().replace(/\\/g, '/').replace(/^\.\//, '');
}

/**
 * The implementor's handoff claims against the branch: a file claimed as changed that the diff
 * does not contain is a warning; `done` with no change at all is an error.
 */
export function checkClaims(result: Pick<TaskResult, 'status' | 'filesChanged'>, changedFiles: readonly string[]): Finding[] {
  const actual = new Set(changedFiles.map(normalize));
  const findings: Finding[] = [];
  if (result.status === 'done' && actual.size === 0) {
    findings.push({
      severity: 'error',
      rule: 'claim/mismatch',
      message: 'the task reports done but its branch changes nothing against the start commit',
    });
  }
  for (const claimed of new Set(result.filesChanged.map(normalize))) {
    if (claimed.length > 0 && !actual.has(claimed)) {
      findings.push({
        severity: 'warning',
        rule: 'claim/mismatch',
        message: `the result claims ${claimed} changed, but the branch does not change it`,
        file: claimed,
      });
    }
  }
  return findings;
}
