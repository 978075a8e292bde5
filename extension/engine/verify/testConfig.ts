import * as path from 'node:path';
import type { Finding } from '../../protocol/taskResult';
import { runGit } from '../workspace/git';
import { rememberedFact } from '../workspace/gitFacts';
import { diffNameStatus, diffText, firstHunkLine, type ChangedFile } from './gitDiff';
import { describeChange, manifestChanges, parseManifest, whyKey, type KeyChange, type Manifest } from './testConfigPackage';
import { isPackageManifest, scopeEntryNaming, testConfigKind } from './testPaths';
import { truncateMiddle } from './truncate';

const EVIDENCE_CHARS = 1500;

export interface TestConfigOptions {
  /** The task's file scope: a configuration it names explicitly is a warning instead of an error. */
  fileScope?: readonly string[];
  /** Commands the verifier runs (acceptance checks, lint): the package.json scripts they reach count. */
  commands?: readonly (readonly string[])[];
}

/** `git cat-file blob rev:file`, or undefined when the file is not in `rev`. */
export async function blobAt(dir: string, rev: string, file: string): Promise<string | undefined> {
  // A file found is remembered; "not there" is not (git says the same of a commit it does not have yet).
  return rememberedFact(`${dir}\0blob\0${rev}\0${file}`, [rev], async () => {
    const r = await runGit(dir, ['cat-file', 'blob', `${rev}:${file}`], { okExitCodes: [0, 128] });
    if (r.exitCode !== 0) throw new NotInCommit();
    return r.stdout;
  }).catch((err: unknown) => {
    if (err instanceof NotInCommit) return undefined;
    throw err;
  });
}

class NotInCommit extends Error {}

/** Files of a commit's tree. */
export async function filesAt(dir: string, rev: string): Promise<string[]> {
  const out = await rememberedFact(`${dir}\0files\0${rev}`, [rev], async () => (await runGit(dir, ['ls-tree', '-r', '-z', '--name-only', rev])).stdout);
  return out.split('\0').filter((p) => p.length > 0);
}

const BABEL_TEST_PACKAGES = ['jest', 'babel-jest', '@babel/register', '@ava/babel'];
const DEPENDENCY_LISTS = ['dependencies', 'devDependencies', 'optionalDependencies'];

/**
 * Whether the repository's tests go through babel (so its configuration is test configuration):
 * jest in a manifest (field, dependency, script) or a jest config file, or @babel/register / @ava/babel.
 */
export function babelTests(manifests: readonly (Manifest | undefined)[], files: readonly string[]): boolean {
  for (const m of manifests) {
    if (!m) continue;
    if (m.jest !== undefined) return true;
    for (const list of DEPENDENCY_LISTS) {
      const deps = m[list];
      if (typeof deps === 'object' && deps !== null && BABEL_TEST_PACKAGES.some((p) => p in deps)) return true;
    }
    const scripts = typeof m.scripts === 'object' && m.scripts !== null ? Object.values(m.scripts) : [];
    if (scripts.some((s) => typeof s === 'string' && /\bjest\b|@babel\/register/.test(s))) return true;
  }
  return files.some((f) => testConfigKind(f)?.id === 'jest');
}

/** A lockfile next to a package.json whose dependencies the task changed: the branch's copy is kept. */
export function lockfileFollowsDependencies(file: string, dirsWithDependencyChanges: ReadonlySet<string>): boolean {
  return testConfigKind(file)?.id === 'lockfile' && dirsWithDependencyChanges.has(path.posix.dirname(file));
}

/** What the verifier does about a changed configuration, prefixed by why it is only a warning when the scope names it. */
function consequence(scopeEntry: string | undefined, action: string): string {
  return `${scopeEntry !== undefined ? `The task's file scope names it (${scopeEntry}), so this is a warning. ` : ''}The verifier ${action}.`;
}

function fileAction(status: ChangedFile['status'], keptLockfile: boolean): string {
  if (keptLockfile) return "keeps the branch's copy because the dependencies beside it changed";
  return status === 'A' ? "removes it from its checkout and runs with the start commit's configuration" : "runs with the start commit's copy";
}

function verb(status: ChangedFile['status']): string {
  return status === 'A' ? 'added' : status === 'D' ? 'deleted (or renamed away)' : 'modified';
}

function keyEvidence(changes: readonly KeyChange[], diff: string): string {
  const keys = changes.map((c) => `${c.key}: ${JSON.stringify(c.before) ?? '(absent)'} → ${JSON.stringify(c.after) ?? '(absent)'}`).join('\n');
  return truncateMiddle(`${keys}\n\n${diff}`, EVIDENCE_CHARS);
}

async function manifestFindings(
  repoDir: string,
  start: string,
  head: string,
  change: ChangedFile,
  options: TestConfigOptions,
  depsChangedDirs: Set<string>,
): Promise<Finding[]> {
  const file = change.path;
  const startText = change.status === 'A' ? undefined : await blobAt(repoDir, start, file);
  const headText = change.status === 'D' ? undefined : await blobAt(repoDir, head, file);
  const before = startText === undefined ? {} : parseManifest(startText);
  const after = headText === undefined ? {} : parseManifest(headText);
  const diff = await diffText(repoDir, start, head, [file], 1);
  const scopeEntry = scopeEntryNaming(file, options.fileScope ?? []);
  const severity = scopeEntry !== undefined ? ('warning' as const) : ('error' as const);
  const line = firstHunkLine(diff);
  const at = { file, ...(line !== undefined ? { line } : {}) };
  if (!before || !after) {
    return [
      {
        severity,
        rule: 'tests/configChanged',
        message: `${file}: the task ${verb(change.status)} a package.json that ${before ? 'no longer parses' : 'did not parse at the start commit'} as a JSON object, so its scripts and test fields cannot be compared. ${consequence(scopeEntry, "runs with the start commit's copy")}`,
        ...at,
        evidence: truncateMiddle(diff, EVIDENCE_CHARS),
      },
    ];
  }
  const { test, deps } = manifestChanges(before, after, options.commands);
  const findings: Finding[] = [];
  if (test.length > 0) {
    const reasons = [...new Set(test.map((c) => whyKey(c.key)))].join('; ');
    findings.push({
      severity,
      rule: 'tests/configChanged',
      message: `${file}: the task changed ${test.map(describeChange).join(', ')} (${reasons}): these decide which tests run and how they load. ${consequence(
        scopeEntry,
        change.status === 'D' ? "runs with the start commit's copy" : "runs with the start commit's values of these keys and the branch's package.json otherwise",
      )}`,
      ...at,
      evidence: keyEvidence(test, diff),
    });
  }
  if (deps.length > 0) {
    depsChangedDirs.add(path.posix.dirname(file));
    findings.push({
      severity: 'warning',
      rule: 'deps/changed',
      message: `${file}: the task changed dependencies (${deps.map(describeChange).join(', ')}); they decide the code the tests run against. The verifier keeps the branch's dependency fields (and the lockfile beside them).`,
      ...at,
      evidence: keyEvidence(deps, diff),
    });
  }
  return findings;
}

/**
 * The test-configuration guard: every change (added, modified, deleted, renamed) to a file that
 * decides which tests run or how (testPaths.ts `TEST_CONFIG_KINDS`; babel's only when the tests use
 * babel) and to the test-related keys of any package.json (testConfigPackage.ts) is an error finding
 * `tests/configChanged`, or a warning when the task's file scope names the file explicitly. A change
 * to a package.json's dependency fields is a warning `deps/changed`.
 */
export async function detectTestConfigChanges(repoDir: string, start: string, head: string, options: TestConfigOptions = {}): Promise<Finding[]> {
  const changes = await diffNameStatus(repoDir, start, head);
  const manifests = changes.filter((c) => isPackageManifest(c.path));
  const rootManifests = [await blobAt(repoDir, start, 'package.json'), await blobAt(repoDir, head, 'package.json')].map((t) => (t === undefined ? undefined : parseManifest(t)));
  const babel = babelTests(rootManifests, [...(await filesAt(repoDir, start)), ...changes.map((c) => c.path)]);

  const findings: Finding[] = [];
  const depsChangedDirs = new Set<string>();
  for (const change of manifests) findings.push(...(await manifestFindings(repoDir, start, head, change, options, depsChangedDirs)));
  for (const change of changes) {
    const kind = isPackageManifest(change.path) ? undefined : testConfigKind(change.path, { babelTests: babel });
    if (!kind) continue;
    const file = change.path;
    const diff = await diffText(repoDir, start, head, [file], 1);
    const scopeEntry = scopeEntryNaming(file, options.fileScope ?? []);
    const line = change.status === 'D' ? undefined : firstHunkLine(diff);
    const kept = lockfileFollowsDependencies(file, depsChangedDirs);
    findings.push({
      severity: scopeEntry !== undefined ? 'warning' : 'error',
      rule: 'tests/configChanged',
      message: `the task ${verb(change.status)} the ${kind.label} ${file}: ${kind.why}. ${consequence(scopeEntry, fileAction(change.status, kept))}`,
      file,
      ...(line !== undefined ? { line } : {}),
      evidence: truncateMiddle(diff, EVIDENCE_CHARS),
    });
  }
  return findings;
}
