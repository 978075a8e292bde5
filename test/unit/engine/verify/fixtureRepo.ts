import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A throwaway git repository with a buggy `add`, its failing test and a passing `sub` test. */
export interface FixtureRepo {
  root: string;
  repo: string;
  scratchDir: string;
  start: string;
  git(...args: string[]): string;
  /** Commits file changes (null deletes) on a new branch from `from` (default: start); returns the commit. */
  branch(name: string, files: Record<string, string | null>, from?: string): string;
  worktreeCount(): number;
  cleanup(): void;
}

export const MATH_BUGGY = 'exports.add = (a, b) => a - b;\nexports.sub = (a, b) => a - b;\n';
export const MATH_FIXED = 'exports.add = (a, b) => a + b;\nexports.sub = (a, b) => a - b;\n';
export const ADD_TEST = [
  "const test = require('node:test');",
  "const assert = require('node:assert');",
  "const { add } = require('../src/math');",
  "test('add adds', () => assert.strictEqual(add(2, 3), 5));",
  '',
].join('\n');
export const SUB_TEST = [
  "const test = require('node:test');",
  "const assert = require('node:assert');",
  "const { sub } = require('../src/math');",
  "test('sub subtracts', () => assert.strictEqual(sub(5, 3), 2));",
  '',
].join('\n');

function write(dir: string, files: Record<string, string | null>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    if (content === null) fs.rmSync(file, { force: true });
    else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
  }
}

export function makeFixtureRepo(): FixtureRepo {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'loom-verify-')));
  const repo = path.join(root, 'repo');
  const scratchDir = path.join(root, 'scratch');
  fs.mkdirSync(repo);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  git('init', '-q', '-b', 'main');
  write(repo, {
    'src/math.js': MATH_BUGGY,
    'test/add.test.js': ADD_TEST,
    'test/sub.test.js': SUB_TEST,
    '.mocharc.json': '{ "spec": "test/**/*.test.js" }\n',
    'README.md': '# fixture\n',
    '.gitignore': 'node_modules/\n',
  });
  git('add', '-A');
  git('commit', '-q', '-m', 'start');
  const start = git('rev-parse', 'HEAD');
  return {
    root,
    repo,
    scratchDir,
    start,
    git,
    branch(name, files, from = start) {
      git('checkout', '-q', '-b', name, from);
      write(repo, files);
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', name);
      const head = git('rev-parse', 'HEAD');
      git('checkout', '-q', 'main');
      return head;
    },
    worktreeCount() {
      return git('worktree', 'list', '--porcelain')
        .split('\n')
        .filter((l) => l.startsWith('worktree ')).length;
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Two plain directories holding a base and a branch copy of the fixture files, no git. */
export function makeDirPair(branchFiles: Record<string, string | null>): { root: string; baseDir: string; branchDir: string; cleanup(): void } {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'loom-f2p-')));
  const baseDir = path.join(root, 'base');
  const branchDir = path.join(root, 'branch');
  const files = { 'src/math.js': MATH_BUGGY, 'test/add.test.js': ADD_TEST, 'test/sub.test.js': SUB_TEST };
  write(baseDir, files);
  write(branchDir, { ...files, ...branchFiles });
  return { root, baseDir, branchDir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}
