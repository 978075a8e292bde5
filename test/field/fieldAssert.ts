/**
 * What a field case's journal must say: a verified case merged the real fix (the integration
 * commit has the upstream source and the frozen upstream tests); a rejected case was rejected on
 * its first verification for the specific rule, verified only once, and nothing merged.
 */
import assert from 'node:assert/strict';
import { expectationOf } from './fieldCases';
import { fileAt } from './fieldRepo';
import { errorRules, type RunOutcome } from './fieldRun';
import type { CaseResult } from './fieldMatrix';
import type { TestsBy } from './fieldScenario';

function describeRun(o: RunOutcome): string {
  const v = o.verifications.map((x) => `verification ${x.attempt}: ${x.passed ? 'passed' : 'failed'} [${x.findings.map((f) => `${f.severity} ${f.rule}: ${f.message.slice(0, 300)}`).join(' | ')}]`);
  return [`exit ${o.exitCode}, run ${o.status ?? 'unfinished'}, merged ${o.merged}, task failure: ${o.failReason ?? '-'}`, ...v, ...o.checks, `agents: ${o.roles.join(', ')}`, `journal: ${o.journalPath}`, `log: ${o.logPath}`].join('\n  ');
}

export function assertCase(result: CaseResult, testsBy: TestsBy): void {
  const { outcome, prepared, repo } = result;
  assert.ok(outcome && prepared, 'the case ran');
  const why = describeRun(outcome);
  const expect = expectationOf(result.kind);
  assert.ok(outcome.journalPath, `a journal was written\n  ${why}`);
  assert.ok(outcome.verifications.length > 0, `the task was verified\n  ${why}`);
  if (testsBy === 'testAuthor') {
    assert.ok(outcome.roles.includes('testAuthor'), `a test author wrote the acceptance tests\n  ${why}`);
    assert.deepEqual([...(outcome.frozen ?? [])].sort(), [...prepared.testFiles].sort(), `Loom froze exactly the acceptance tests\n  ${why}`);
  }
  if (expect.merged) {
    const last = outcome.verifications.at(-1)!;
    assert.ok(last.passed, `verified\n  ${why}`);
    assert.deepEqual(errorRules(last.findings), [], `no error finding\n  ${why}`);
    assert.ok(outcome.checks.some((c) => c.startsWith('failToPass:') && c.includes(': passed')), `fail-to-pass passed\n  ${why}`);
    assert.ok(outcome.merged, `merged\n  ${why}`);
    assert.equal(outcome.status, 'succeeded', why);
    assert.ok(outcome.integrationCommit, `an integration commit\n  ${why}`);
    for (const file of repo.fieldCase.sourceFiles) {
      assert.equal(outcome.integrated[file], fileAt(repo, 'fix', file), `the integration commit has the upstream fix's ${file}`);
    }
    for (const file of prepared.testFiles) {
      assert.equal(outcome.integrated[file], prepared.tests[file], `the integration commit has the acceptance test ${file} as written`);
    }
    return;
  }
  const first = outcome.verifications[0];
  assert.equal(first.passed, false, `rejected\n  ${why}`);
  assert.ok(errorRules(first.findings).includes(expect.rule!), `rejected for ${expect.rule}\n  ${why}`);
  assert.equal(outcome.verifications.length, 1, `verified once (attempt 2 reports blocked)\n  ${why}`);
  assert.equal(outcome.merged, false, `not merged\n  ${why}`);
  assert.notEqual(outcome.status, 'succeeded', why);
}
