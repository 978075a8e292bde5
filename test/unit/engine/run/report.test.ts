import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { conflictRun } from '../../protocol/views/conflictRun';
import { loadRecordedRun } from '../../webview/recordedRun';

/** The lines of one section of the report, up to the next blank line. */
function section(report: string, title: RegExp): string[] {
  const lines = report.split('\n');
  const start = lines.findIndex((l) => title.test(l));
  assert.ok(start >= 0, `a section ${title} in:\n${report}`);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('engine/run/report (conflicts, merge tiers, waiting tasks)', () => {
  const { events, afterPredictions } = conflictRun();
  const report = formatReport(foldEvents(events));

  it('counts merges by tier, as AgentSpawn does: auto-merge, merge agent, person', () => {
    assert.deepEqual(section(report, /^Merges by tier$/), ['  auto-merge     1  add-multiply', '  merge agent    1  fix-sum', '  person         1  docs']);
    assert.match(report, /^ {2}fix-sum +merged .*\(resolved by a merge agent\)$/m);
    assert.match(report, /^ {2}docs +merged .*\(resolved by a person\)$/m);
    assert.doesNotMatch(report, /add-multiply +merged .*resolved by/);
  });

  it('words a semantic conflict apart from a textual one', () => {
    const conflicts = section(report, /^Conflicts \(1 textual before merge, 1 semantic after it\)$/);
    assert.deepEqual(conflicts, [
      '  add-multiply x add-divide: src/calc.js (contents)',
      '  fix-sum x docs: semantic conflict: git merges them cleanly, but check node --test test/sum.test.js fails on the result at merge m3m3m3m3m3',
    ]);
  });

  it('shows a waiting task as waiting on its escalation, and what was tried before a person was asked', () => {
    assert.match(report, /^ {2}add-mean +waiting +R1 after add-multiply, add-divide/m);
    assert.match(report, /^ +waits on esc-1: its dependencies add-multiply and add-divide conflict$/m);
    assert.doesNotMatch(report, /reason: its dependencies/);
    assert.match(report, /^ {4}tried: A merge agent \(merger-esc-1-1\) tried to merge add-divide after add-multiply; its result was refused: test\/divide\.test\.js fails on it$/m);
  });

  it('lists predicted conflicts while they hold, and none once cleared or merged', () => {
    const midRun = formatReport(foldEvents(events, afterPredictions));
    assert.deepEqual(section(midRun, /^Predicted conflicts still open$/), [
      '  add-multiply x add-divide: predicted conflict in src/calc.js lines 3–7',
      '  add-divide x the integration branch: predicted conflict in src/index.js line 2',
    ]);
    assert.doesNotMatch(report, /Predicted conflicts/);
    assert.doesNotMatch(midRun, /Merges by tier/);
  });

  it('a run before tiers (no tier on merge/didMerge) counts every merge as an auto-merge', () => {
    const recorded = formatReport(foldEvents(loadRecordedRun()));
    assert.deepEqual(section(recorded, /^Merges by tier$/), ['  auto-merge     3  slugify, truncate, case-conversion', '  merge agent    0', '  person         0']);
    assert.match(recorded, /^ {2}case-conversion x package-entry: src\/index\.js \(contents\)$/m);
  });
});
