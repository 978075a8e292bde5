/**
 * The field tier's table, repository × case → what the journal says happened, for the console
 * and test-results/field/table.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CASE_KINDS, expectationOf, type CaseKind } from './fieldCases';
import type { CaseResult } from './fieldMatrix';
import { errorRules } from './fieldRun';

export interface TableRow {
  name: string;
  runner: string;
  installSeconds: number;
  /** Per case kind: the result, or undefined when it did not finish. */
  cells: Partial<Record<CaseKind, { result: CaseResult; ok: boolean } | { error: string }>>;
}

const SHORT: Record<CaseKind, string> = {
  fix: 'fix',
  noFix: 'no fix',
  testEdited: 'test edited',
  runnerConfig: 'runner config',
  stubTest: 'stub test',
  testScript: 'test script',
  alreadyPasses: 'already passes',
  cannotLoad: 'cannot load',
  existingFile: 'test in existing file',
};

function cellText(cell: TableRow['cells'][CaseKind], kind: CaseKind): string {
  if (!cell) return '—';
  if ('error' in cell) return `✗ ${cell.error.split('\n')[0].slice(0, 80)}`;
  const { result, ok } = cell;
  const mark = ok ? '✓' : '✗';
  if (!result.outcome) return `${mark} = fix (into existing ${result.repo.fieldCase.testFile})`;
  const o = result.outcome;
  const secs = `${Math.round(o.seconds)} s`;
  if (o.merged) return `${mark} merged (${secs})`;
  const rules = errorRules(o.verifications[0]?.findings ?? []);
  const expected = expectationOf(kind).rule;
  const shown = expected && rules.includes(expected) ? [expected, ...rules.filter((r) => r !== expected)] : rules;
  return `${mark} ${o.verifications.length ? `rejected: ${shown.join(', ')}` : `not verified: ${o.failReason ?? o.status}`} (${secs})`;
}

export function renderTable(rows: readonly TableRow[], header: string): string {
  const kinds = CASE_KINDS.map((k) => k.kind);
  const head = `| repository | runner | install | ${kinds.map((k) => SHORT[k]).join(' | ')} |`;
  const rule = `| --- | --- | --- | ${kinds.map(() => '---').join(' | ')} |`;
  const body = rows.map((r) => `| ${r.name} | ${r.runner} | ${r.installSeconds.toFixed(1)} s | ${kinds.map((k) => cellText(r.cells[k], k)).join(' | ')} |`);
  const expected = CASE_KINDS.map(({ kind, expect }) => `${SHORT[kind]}: ${expect.merged ? 'verified fail-to-pass and merged' : `rejected (${expect.rule})`}`);
  // Each way a case is made, with the repositories it is made that way in.
  const notes = new Map<string, string[]>();
  for (const r of rows) {
    for (const { kind } of CASE_KINDS) {
      const cell = r.cells[kind];
      const note = cell && 'result' in cell ? cell.result.prepared?.note : undefined;
      if (note) notes.set(`${SHORT[kind]}: ${note}`, [...(notes.get(`${SHORT[kind]}: ${note}`) ?? []), r.name]);
    }
  }
  return [
    header,
    '',
    head,
    rule,
    ...body,
    '',
    `Expected: ${expected.join('; ')}. ✓: the journal says exactly that (that rule on the first verification, merged or not); ✗: it does not.`,
    '',
    ...(notes.size ? ['How the cases are made:', '', ...[...notes].map(([note, names]) => `- ${note} (${names.join(', ')})`), ''] : []),
  ].join('\n');
}

export function writeTable(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
