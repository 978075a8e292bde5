/**
 * The field tier (issue 7): real open-source repositories at pinned commits with their real
 * upstream bug fixes (test/fixtures/field/), each case one `loom run` through the real CLI with
 * the simulator replaying the fix or a cheat, judged from the run's journal.
 *
 * Env: LOOM_FIELD_REPOS (comma list; default every fixture), LOOM_FIELD_CONCURRENCY (loom runs at
 * once, default 2), LOOM_FIELD_WORK (work folder, kept; default a temp folder removed afterwards),
 * LOOM_FIELD_NPM_CACHE (the shared npm cache), LOOM_FIELD_CLI (another build of the CLI).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCase } from './fieldAssert';
import { CASE_KINDS, type CaseKind } from './fieldCases';
import { FieldMatrix } from './fieldMatrix';
import { fileAt } from './fieldRepo';
import { CLI, ROOT } from './fieldRun';
import { renderTable, writeTable, type TableRow } from './fieldTable';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'field');
const ALL = readdirSync(FIXTURES).filter((n) => existsSync(join(FIXTURES, n, 'case.json'))).sort();
const NAMES = process.env.LOOM_FIELD_REPOS ? process.env.LOOM_FIELD_REPOS.split(',').map((n) => n.trim()) : ALL;
const TESTS_BY = process.env.LOOM_FIELD_TESTS_BY === 'implementor' ? 'implementor' : 'testAuthor';
const TABLE = join(ROOT, 'test-results', 'field', 'table.md');

describe('field tier: real repositories and their upstream fixes through loom run', function () {
  this.timeout(30 * 60_000);
  const keep = process.env.LOOM_FIELD_WORK;
  const work = keep ?? mkdtempSync(join(tmpdir(), 'loom-field-'));
  const matrix = new FieldMatrix(FIXTURES, work, { names: NAMES, concurrency: Number(process.env.LOOM_FIELD_CONCURRENCY ?? 2), testsBy: TESTS_BY, keep: keep !== undefined });
  const rows = new Map<string, TableRow>();
  const started = Date.now();
  const loadBefore = loadavg()[0].toFixed(1);

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: npm run build first`);
    for (const name of NAMES) assert.ok(ALL.includes(name), `no fixture ${name} in ${FIXTURES}`);
    matrix.start();
  });

  after(async () => {
    await matrix.finished();
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    const runs = (await matrix.settled()).filter((r) => r.outcome).length;
    const header = `Field tier: ${NAMES.length} repositories, ${runs} loom runs, ${minutes} min in all (installs included; ${matrix.options.concurrency} runs at a time on ${cpus().length} cores, load average ${loadBefore} before; acceptance tests written by ${TESTS_BY === 'testAuthor' ? 'a test-author agent, frozen' : 'the implementor'}).`;
    const text = renderTable([...rows.values()], header);
    writeTable(TABLE, text);
    console.log(`\n${text}\n(${TABLE})`);
    if (!keep) rmSync(work, { recursive: true, force: true });
  });

  /** Runs one case's assertions and records its cell, whatever the outcome. */
  async function judged(name: string, kind: CaseKind, check: () => Promise<void>): Promise<void> {
    const repo = await matrix.repos.get(name)!.catch(() => null);
    const row = rows.get(name) ?? { name, runner: repo?.fieldCase.runner ?? '?', installSeconds: repo?.installSeconds ?? 0, cells: {} };
    rows.set(name, row);
    try {
      await check();
      row.cells[kind] = { result: await matrix.result(name, kind), ok: true };
    } catch (err) {
      const result = await matrix.result(name, kind).catch(() => null);
      row.cells[kind] = result ? { result, ok: false } : { error: (err as Error).message };
      throw err;
    }
  }

  for (const name of NAMES) {
    describe(name, () => {
      for (const { kind, title, expect } of CASE_KINDS) {
        const outcome = expect.merged ? 'verified fail-to-pass and merged' : `rejected (${expect.rule}), nothing merged`;
        it(`${title} → ${outcome}`, () =>
          judged(name, kind, async () => {
            const result = await matrix.result(name, kind);
            if (result.prepared) return assertCase(result, TESTS_BY);
            // The upstream fix adds its test to an existing file: the fix case is this case.
            assert.equal(kind, 'existingFile');
            const file = result.repo.fieldCase.testFile;
            assert.ok(fileAt(result.repo, 'base', file), `${file} exists on base`);
            assertCase(await matrix.result(name, 'fix'), TESTS_BY);
          }));
      }
    });
  }
});
