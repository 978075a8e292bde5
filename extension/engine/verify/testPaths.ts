import * as path from 'node:path';
import picomatch from 'picomatch';

/** Globs of test files: what an implementor must not weaken, and what the verifier restores. */
export const TEST_FILE_GLOBS: readonly string[] = [
  '**/*.test.*',
  '**/*.spec.*',
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/*_test.*',
  '**/test_*.py',
  '**/conftest.py',
];

/**
 * One kind of file that decides which tests run or how: changing it can make a failing suite pass,
 * so the verifier flags every change to it and runs the start commit's copy. `package.json` is not
 * here: it is compared key by key (testConfigPackage.ts).
 */
export interface TestConfigKind {
  id: string;
  /** e.g. "mocha configuration" */
  label: string;
  /** Why a change matters, for the finding's message. */
  why: string;
  globs: readonly string[];
  /** Counts only when the repository's tests go through babel (jest, @babel/register, @ava/babel). */
  onlyWithBabelTests?: boolean;
}

export const TEST_CONFIG_KINDS: readonly TestConfigKind[] = [
  {
    id: 'mocha',
    label: 'mocha configuration',
    why: 'mocha reads it to decide which files run, what loads first and how the process exits',
    globs: ['**/.mocharc*', '**/mocha.opts'],
  },
  {
    id: 'jest',
    label: 'jest configuration',
    why: 'jest reads it to decide which files run, how they are transformed and what counts as passing',
    globs: ['**/jest.config*', '**/jest.*.config.*'],
  },
  {
    id: 'vitest',
    label: 'vitest configuration',
    why: 'vitest reads it (or vite.config.* when there is no vitest.config.*) to decide which files run and how',
    globs: ['**/vitest.config*', '**/vitest.*.config.*', '**/vitest.workspace*', '**/vite.config.*'],
  },
  {
    id: 'setup',
    label: 'test setup file',
    why: 'the runner loads it before every test file, so it can stub assertions or end the process early',
    globs: ['**/setupTests.*', '**/setup-tests.*', '**/jest.setup.*', '**/jest-setup.*', '**/vitest.setup.*', '**/vitest-setup.*'],
  },
  { id: 'playwright', label: 'playwright configuration', why: 'playwright reads it to decide which tests run and how', globs: ['**/playwright.config.*', '**/playwright-ct.config.*'] },
  { id: 'cypress', label: 'cypress configuration', why: 'cypress reads it to decide which specs run and how', globs: ['**/cypress.config.*', '**/cypress.json'] },
  { id: 'tap', label: 'node-tap configuration', why: 'tap reads it to decide which files run, coverage thresholds and the exit code', globs: ['**/.taprc*'] },
  { id: 'ava', label: 'ava configuration', why: 'ava reads it to decide which files run and how', globs: ['**/ava.config.*'] },
  { id: 'karma', label: 'karma configuration', why: 'karma reads it to decide which files run in which browser', globs: ['**/karma.conf*', '**/karma.config.*'] },
  { id: 'jasmine', label: 'jasmine configuration', why: 'jasmine reads it to decide which spec files run', globs: ['**/jasmine.json', '**/.jasmine.json'] },
  { id: 'pytest', label: 'pytest configuration', why: 'pytest reads it to decide which tests run and how', globs: ['**/pytest.ini'] },
  {
    id: 'coverage',
    label: 'coverage configuration',
    why: 'nyc/c8 wrap the test command: they decide what loads instrumented, the thresholds and the exit code',
    globs: ['**/.nycrc*', '**/nyc.config.*', '**/.c8rc*'],
  },
  { id: 'tsconfig', label: 'TypeScript configuration', why: 'tests compile and resolve modules with it (ts-node, tsx, ts-jest, vitest, tsc builds)', globs: ['**/tsconfig*.json'] },
  { id: 'swc', label: 'swc configuration', why: 'it decides how source and tests are transformed before they run', globs: ['**/.swcrc'] },
  {
    id: 'babel',
    label: 'babel configuration',
    why: 'the test runner transforms source and tests with it before they run',
    globs: ['**/babel.config.*', '**/.babelrc*'],
    onlyWithBabelTests: true,
  },
  {
    id: 'packageManager',
    label: 'package-manager configuration',
    why: 'npm/yarn/pnpm read it when they run the test script (node options, script shell, ignore-scripts, hooks)',
    globs: ['**/.npmrc', '**/.yarnrc', '**/.yarnrc.yml', '**/.pnpmfile.cjs'],
  },
  {
    id: 'lockfile',
    label: 'lockfile',
    why: 'it pins the exact dependencies the tests run against (a swapped test runner or assertion library passes anything)',
    globs: ['**/package-lock.json', '**/npm-shrinkwrap.json', '**/yarn.lock', '**/pnpm-lock.yaml', '**/bun.lock', '**/bun.lockb'],
  },
];

/** Every test-configuration glob (babel's included), for listings. */
export const TEST_CONFIG_GLOBS: readonly string[] = TEST_CONFIG_KINDS.flatMap((k) => k.globs);

const kindMatchers = TEST_CONFIG_KINDS.map((kind) => ({ kind, isMatch: picomatch([...kind.globs], { dot: true }) }));

export function normalizePath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '');
}

/**
 * A predicate for test files, plus any extra paths or globs (e.g. an acceptance check's
 * `testFiles`). Test configuration is matched separately (`testConfigKind`, `isPackageManifest`).
 */
export function testPathMatcher(extra: readonly string[] = []): (file: string) => boolean {
  const isMatch = picomatch([...TEST_FILE_GLOBS, ...extra.map(normalizePath)], { dot: true });
  return (file) => isMatch(normalizePath(file));
}

/** The kind of test configuration `file` is, if any. Babel configuration counts only when `babelTests`. */
export function testConfigKind(file: string, options: { babelTests?: boolean } = {}): TestConfigKind | undefined {
  const f = normalizePath(file);
  return kindMatchers.find(({ kind, isMatch }) => isMatch(f) && (!kind.onlyWithBabelTests || options.babelTests === true))?.kind;
}

export function isTestConfig(file: string, options: { babelTests?: boolean } = {}): boolean {
  return testConfigKind(file, options) !== undefined;
}

/** A `package.json`, compared key by key (its scripts and test fields are test configuration). */
export function isPackageManifest(file: string): boolean {
  return path.posix.basename(normalizePath(file)) === 'package.json';
}

/** A scope entry that names nothing in particular: only stars, slashes and dots (`**`, `*`, `./**`). */
function isCatchAll(glob: string): boolean {
  return glob.replace(/\*|\/|\./g, '') === '';
}

/**
 * The file-scope entry that names `file` explicitly: the path itself, or a glob matching it that
 * is not a catch-all. Such a change was planned, so it is a warning rather than an error.
 */
export function scopeEntryNaming(file: string, fileScope: readonly string[]): string | undefined {
  const f = normalizePath(file);
  return fileScope.find((entry) => {
    const e = normalizePath(entry);
    return e === f || (!isCatchAll(e) && picomatch(e, { dot: true })(f));
  });
}
