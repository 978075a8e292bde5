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

/** Globs of test runner configuration: changing these can make a failing suite pass. */
export const TEST_CONFIG_GLOBS: readonly string[] = [
  '**/jest.config.*',
  '**/.mocharc*',
  '**/vitest.config.*',
  '**/vitest.workspace.*',
  '**/karma.conf.*',
  '**/playwright.config.*',
  '**/cypress.config.*',
  '**/ava.config.*',
  '**/.nycrc*',
  '**/pytest.ini',
];

function normalize(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '');
}

/**
 * A predicate for test files and test configuration, plus any extra paths or globs
 * (e.g. an acceptance check's `testFiles`).
 */
export function testPathMatcher(extra: readonly string[] = []): (file: string) => boolean {
  const isMatch = picomatch([...TEST_FILE_GLOBS, ...TEST_CONFIG_GLOBS, ...extra.map(normalize)], { dot: true });
  return (file) => isMatch(normalize(file));
}

export function isTestConfig(file: string): boolean {
  return picomatch([...TEST_CONFIG_GLOBS], { dot: true })(normalize(file));
}
