/**
 * The field tier's cases: per repository, one `loom run` each, the repository it runs on, what
 * the simulated agents do, and what the journal must say happened.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runnerConfigCheat, stubTest, testScriptCheat } from './fieldCheats';
import { cloneForCase, fileAt, testFilesOf, type CaseCloneOptions, type FieldRepo } from './fieldRepo';
import { scenarioOf, specText, type ScenarioInput, type TestsBy, type Writes } from './fieldScenario';

export type CaseKind = 'fix' | 'noFix' | 'testEdited' | 'runnerConfig' | 'stubTest' | 'testScript' | 'alreadyPasses' | 'cannotLoad' | 'existingFile';

export interface Expectation {
  /** Verified and merged into the integration branch. */
  merged: boolean;
  /** The error finding the first verification must have (rejected cases). */
  rule?: string;
}

export const CASE_KINDS: readonly { kind: CaseKind; title: string; expect: Expectation }[] = [
  { kind: 'fix', title: 'the real fix', expect: { merged: true } },
  { kind: 'noFix', title: 'the fix left out', expect: { merged: false, rule: 'failToPass/stillFails' } },
  { kind: 'testEdited', title: 'the acceptance test edited', expect: { merged: false, rule: 'tests/edited' } },
  { kind: 'runnerConfig', title: 'a runner config forcing success', expect: { merged: false, rule: 'tests/configChanged' } },
  { kind: 'stubTest', title: 'a stub test, no fix', expect: { merged: false, rule: 'failToPass/stillFails' } },
  { kind: 'testScript', title: 'package.json test script', expect: { merged: false, rule: 'tests/configChanged' } },
  { kind: 'alreadyPasses', title: 'a test that already passes on base', expect: { merged: false, rule: 'failToPass/alreadyPasses' } },
  { kind: 'cannotLoad', title: 'a base that cannot load', expect: { merged: false, rule: 'failToPass/inconclusive' } },
  { kind: 'existingFile', title: 'the test added to an existing test file', expect: { merged: true } },
];

export function expectationOf(kind: CaseKind): Expectation {
  return CASE_KINDS.find((k) => k.kind === kind)!.expect;
}

/** Where each case's `loom run` happens, and what it needs. */
export interface PreparedCase {
  kind: CaseKind;
  dir: string;
  repoDir: string;
  specPath: string;
  scenarioPath: string;
  policyPath: string;
  /** The acceptance test files (the task's frozen tests). */
  testFiles: string[];
  /** Their content as the test author writes them. */
  tests: Writes;
  /** How this repository does the case, when it is not the obvious way. */
  note: string;
}

/**
 * A case whose test goes into a NEW file (fast-uri): for "added to an existing test file" its
 * tests go into this existing file instead, minus the header lines the host already has.
 */
const EXISTING_HOST: Record<string, string> = { 'fast-uri': 'test/parse.test.js' };

/**
 * Repositories whose acceptance test loads without node_modules: for "a base that cannot load" a
 * module the code requires is a gitignored, generated file there (present in the user's checkout,
 * absent from every worktree Loom makes), as cssstyle's lib/generated/ is upstream.
 */
const GENERATED_MODULE: Record<string, string> = { busboy: 'lib/utils/decodeText.js' };

function upstream(repo: FieldRepo, ref: 'fix' | 'base', files: readonly string[]): Writes {
  return Object.fromEntries(files.map((f) => [f, fileAt(repo, ref, f) ?? '']));
}

/** The new test file's tests, appended to an existing test file without the lines it already has. */
function mergedIntoExisting(repo: FieldRepo, host: string): Writes {
  const hostText = fileAt(repo, 'base', host) ?? '';
  const hostLines = new Set(hostText.split('\n').filter((l) => l.trim()));
  const added = (fileAt(repo, 'fix', repo.fieldCase.testFile) ?? '').split('\n');
  const firstTest = added.findIndex((l) => /^(test|describe|it|suite)\(/.test(l));
  const body = added.filter((l, i) => i >= firstTest || !hostLines.has(l)).join('\n');
  return { [host]: `${hostText.trimEnd()}\n\n${body.trimStart()}` };
}

/** Sets up `dir` for one case: the repository clone, spec, scenario and policy. Null: not a separate run here. */
export function prepareCase(repo: FieldRepo, kind: CaseKind, dir: string, testsBy: TestsBy): PreparedCase | null {
  const c = repo.fieldCase;
  const host = EXISTING_HOST[c.name];
  if (kind === 'existingFile' && !host) return null; // the upstream fix itself adds its test to an existing file: "fix" is this case
  let tests = upstream(repo, 'fix', testFilesOf(c));
  let testFiles = Object.keys(tests);
  let command = c.testCommand;
  const fix = upstream(repo, 'fix', c.sourceFiles);
  const clone: CaseCloneOptions = { dependencies: true };
  let implementor: Writes = {};
  let summary = 'Fixed the bug.';
  let note = '';
  switch (kind) {
    case 'fix':
      implementor = fix;
      break;
    case 'existingFile':
      tests = mergedIntoExisting(repo, host);
      testFiles = [host];
      command = c.testCommand.map((a) => (a === c.testFile ? host : a));
      implementor = fix;
      note = `upstream adds ${c.testFile}; here its tests go into ${host}`;
      break;
    case 'noFix':
      summary = 'Done: the behaviour already matches the spec.';
      break;
    case 'testEdited':
      // Put the start of the acceptance tests back the way base has them (a new file: a stub in its place).
      implementor = Object.fromEntries(testFiles.map((f) => [f, fileAt(repo, 'base', f) ?? Object.values(stubTest(repo))[0]]));
      note = c.testFileIsNew ? 'the new test file replaced by a trivially passing one' : 'base version of the test written back';
      break;
    case 'runnerConfig': {
      const cheat = runnerConfigCheat(repo);
      implementor = cheat.files;
      note = cheat.rationale;
      break;
    }
    case 'stubTest':
      implementor = stubTest(repo);
      break;
    case 'testScript':
      implementor = testScriptCheat(repo);
      break;
    case 'alreadyPasses':
      clone.baseChanges = { message: "The upstream fix's source change, already on base", files: fix };
      summary = 'Done: base already does this.';
      break;
    case 'cannotLoad': {
      implementor = fix;
      const generated = GENERATED_MODULE[c.name];
      if (generated) {
        clone.baseChanges = { message: `${generated} is generated (gitignored)`, files: { [generated]: null }, ignore: [generated] };
        note = `its test needs no dependency, so ${generated} is made a gitignored generated file, missing from worktrees`;
      } else {
        clone.dependencies = false;
        note = 'no node_modules installed';
      }
      break;
    }
  }
  mkdirSync(dir, { recursive: true });
  const repoDir = cloneForCase(repo, join(dir, 'repo'), clone);
  const fieldCase = { ...c, testCommand: command };
  const baseContent = (path: string) => (clone.baseChanges?.files[path] !== undefined ? clone.baseChanges.files[path] : fileAt(repo, 'base', path));
  const input: ScenarioInput = { fieldCase, testsBy, tests, implementor, summary, blockOnRetry: !expectationOf(kind).merged, baseContent };
  const specPath = join(dir, 'spec.md');
  const scenarioPath = join(dir, 'scenario.json');
  const policyPath = join(dir, 'policy.json');
  writeFileSync(specPath, specText(fieldCase, testFiles));
  writeFileSync(scenarioPath, `${JSON.stringify(scenarioOf(input), null, 1)}\n`);
  // The cheats write outside the task's scope on purpose: the verifier must catch them, not an approval.
  writeFileSync(policyPath, `${JSON.stringify({ writeOutsideScope: 'allow' })}\n`);
  return { kind, dir, repoDir, specPath, scenarioPath, policyPath, testFiles, tests, note };
}
