import { stripVTControlCharacters } from 'node:util';

// What each runner prints when its file patterns match nothing; the line names the runner.
const NO_TEST_FILES: { runner: string; line: RegExp }[] = [
  { runner: 'mocha', line: /^Error: No test files found: .*$/m },
  { runner: 'tap', line: /^No valid test files found matching .*$/m },
  { runner: 'jest', line: /^No tests found, exiting with code \d+$/m },
  { runner: 'vitest', line: /^No test files found, exiting with code \d+$/m },
  { runner: 'node --test', line: /^Could not find '.+'$/m },
];

/** The runner's own line saying it found no test files, if it printed one. */
export function noTestFilesLine(text: string): { runner: string; line: string } | undefined {
  const plain = stripVTControlCharacters(text);
  for (const { runner, line } of NO_TEST_FILES) {
    const m = line.exec(plain);
    if (m) return { runner, line: m[0].trim() };
  }
  return undefined;
}
