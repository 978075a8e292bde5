/**
 * Checks one field-test case (test/fixtures/field/<name>/) end to end, without Loom:
 *
 *   1. clones repo.bundle (branches `base` = upstream parent P, `fix` = upstream fix F) into a temp dir;
 *   2. installs dependencies on base: `npm ci` with the repository's own lockfile if base tracks one,
 *      else with the case's stored lockfile, package-lock.json.gz (gzipped to keep the fixtures small)
 *      or package-lock.json (with --write-lock and no stored lockfile: `npm install`, and the
 *      generated lockfile is saved into the case folder as package-lock.json.gz);
 *      npm's cache is a shared folder so reruns are fast and mostly offline;
 *   3. base sanity (skipped when the test file is new): the case's testCommand on base as it is must pass;
 *   4. fail-to-pass: base with only F's test file(s) checked out → testCommand must fail, and not
 *      because the test cannot load; then the whole of F → testCommand must pass.
 *
 * Usage: npx tsx test/field/harvest/verifyCase.ts <caseDir | folder of cases>... [--write-lock] [--keep] [--cache DIR] [--json]
 * Env:   LOOM_FIELD_NPM_CACHE (default ~/.cache/loom-field-npm) is the shared npm cache.
 * Exit:  0 when every case verified, 1 otherwise. One result line (or JSON object) per case.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

export interface FieldCase {
  name: string;
  upstream: string;
  baseCommit: string;
  fixCommit: string;
  fixSubject: string;
  runner: string;
  testCommand: string[];
  testFile: string;
  /** Further test files F changes, checked out together with testFile. */
  extraTestFiles?: string[];
  sourceFiles: string[];
  testFileIsNew: boolean;
  installSeconds: number;
  notes: string;
}

export interface RunOutcome {
  exitCode: number | null;
  seconds: number;
  /** Last lines of stdout (where runners print their summary), then of stderr, colours stripped. */
  tail: string;
  /** The first lines that look like a failed assertion (the runner's own words), if any. */
  failureExcerpt: string | null;
  loadError: string | null;
}

export interface CaseResult {
  name: string;
  verified: boolean;
  reason: string;
  lockfile: 'repo' | 'fixture' | 'generated';
  installSeconds: number;
  baseOwn?: RunOutcome;
  baseWithFixTest?: RunOutcome;
  fix?: RunOutcome;
}

/** Output that means the test never got to assert anything: the environment is broken, not the code. */
const LOAD_ERRORS: RegExp[] = [
  /Cannot find module/,
  /ERR_MODULE_NOT_FOUND/,
  /ERR_REQUIRE_ESM/,
  /^SyntaxError/m,
  /No test files found/i,
  /Could not find test files/i,
  /command not found|ENOENT/,
];

/**
 * Lines where a runner reports a failed assertion, strongest first: node:assert (mocha, node --test),
 * jest's ● headers, vitest/uvu crosses, TAP's `not ok`, then any "expected".
 */
const ASSERTION_LINES: RegExp[] = [/AssertionError|ERR_ASSERTION/, /^\s*● /, /^\s*(×|✘|✕|→) /, /^\s*not ok \d+/, /expected/i];

const TEST_TIMEOUT_MS = 180_000;

export function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = TEST_TIMEOUT_MS) {
  const started = Date.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const stdout = r.stdout ?? '';
  const stderr = `${r.stderr ?? ''}${r.error ? `\n${String(r.error)}` : ''}`;
  return { status: r.status, out: `${stdout}${stderr}`, stdout, stderr, seconds: (Date.now() - started) / 1000 };
}

/** `run` without blocking the event loop (installs overlap with other work); output kept whole. */
export function runAsync(argv: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = TEST_TIMEOUT_MS): Promise<ReturnType<typeof run>> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const finish = (status: number | null, error?: Error) => {
      clearTimeout(timer);
      if (error) stderr += `\n${String(error)}`;
      done({ status, out: `${stdout}${stderr}`, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    };
    child.on('error', (err) => finish(null, err));
    child.on('close', (code) => finish(code));
  });
}

export function git(args: string[], cwd: string): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const lastLines = (text: string, n: number) => stripAnsi(text).trimEnd().split('\n').slice(-n).join('\n');

function outcome(r: { status: number | null; out: string; stdout: string; stderr: string; seconds: number }): RunOutcome {
  const loadError = LOAD_ERRORS.map((re) => r.out.match(re)?.[0]).find((m) => m !== undefined) ?? null;
  const lines = stripAnsi(r.out).trimEnd().split('\n');
  let first = -1;
  for (const re of r.status === 0 ? [] : ASSERTION_LINES) {
    first = lines.findIndex((l) => re.test(l));
    if (first >= 0) break;
  }
  const failureExcerpt = first < 0 ? null : lines.slice(Math.max(0, first - 2), first + 10).join('\n');
  // the runner's summary is usually at the end of stdout; failures often go to stderr
  const tail = r.stderr.trim() ? `${lastLines(r.stdout, 15)}\n--- stderr (last lines) ---\n${lastLines(r.stderr, 10)}` : lastLines(r.stdout, 25);
  return { exitCode: r.status, seconds: r.seconds, tail, failureExcerpt, loadError };
}

export function readCase(caseDir: string): FieldCase {
  return JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8')) as FieldCase;
}

/** The shared npm cache: reruns install mostly offline. */
export function npmCacheDir(cache?: string): string {
  return cache ?? process.env.LOOM_FIELD_NPM_CACHE ?? join(homedir(), '.cache', 'loom-field-npm');
}

/** The environment installs and test runs get: CI, the shared cache, no update notices, no inherited NODE_OPTIONS. */
export function fieldEnv(cache?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', npm_config_cache: npmCacheDir(cache), npm_config_update_notifier: 'false' };
  delete env.NODE_OPTIONS;
  return env;
}

/** Clones a case's bundle into `repo` (not existing yet) with `base` checked out as branch `work`. */
export function cloneBundle(caseDir: string, repo: string, branch = 'work'): void {
  git(['clone', '-q', '--no-checkout', resolve(caseDir, 'repo.bundle'), repo], dirname(repo));
  git(['checkout', '-q', '-B', branch, 'origin/base'], repo);
}

export interface InstallResult {
  ok: boolean;
  lockfile: 'repo' | 'fixture' | 'generated';
  seconds: number;
  /** Why it failed (the install's last lines), or '' when it worked. */
  reason: string;
}

/**
 * Installs a clone's dependencies: `npm ci` with the repository's own lockfile if base tracks one,
 * else with the case's stored lockfile (written into the work tree, untracked), else (`writeLock`)
 * `npm install`, saving the generated lockfile into the case folder.
 */
export async function installDependencies(caseDir: string, repo: string, env: NodeJS.ProcessEnv, opts: { writeLock?: boolean } = {}): Promise<InstallResult> {
  const tracked = git(['ls-files', 'package-lock.json', 'npm-shrinkwrap.json'], repo);
  const stored = join(caseDir, 'package-lock.json');
  const storedGz = `${stored}.gz`;
  const ci = ['npm', 'ci', '--no-audit', '--no-fund', '--prefer-offline', '--package-lock=true'];
  let lockfile: InstallResult['lockfile'] = 'repo';
  let install = ci;
  if (!tracked) {
    if (existsSync(storedGz)) writeFileSync(join(repo, 'package-lock.json'), gunzipSync(readFileSync(storedGz)));
    else if (existsSync(stored)) copyFileSync(stored, join(repo, 'package-lock.json'));
    else if (opts.writeLock) install = ['npm', 'install', '--no-audit', '--no-fund', '--package-lock=true'];
    else return { ok: false, lockfile, seconds: 0, reason: 'no lockfile: base tracks none and the case folder has no package-lock.json (rerun with --write-lock)' };
    lockfile = install === ci ? 'fixture' : 'generated';
  }
  const inst = await runAsync(install, repo, env, 600_000);
  const seconds = Math.round(inst.seconds * 10) / 10;
  if (inst.status !== 0) return { ok: false, lockfile, seconds, reason: `install failed (${install.join(' ')}):\n${inst.out.split('\n').slice(-20).join('\n')}` };
  if (lockfile === 'generated') writeFileSync(storedGz, gzipSync(readFileSync(join(repo, 'package-lock.json')), { level: 9 }));
  return { ok: true, lockfile, seconds, reason: '' };
}

export async function verifyCase(caseDir: string, opts: { writeLock?: boolean; keep?: boolean; cache?: string } = {}): Promise<CaseResult> {
  const c = readCase(caseDir);
  const tmp = mkdtempSync(join(tmpdir(), `field-${c.name}-`));
  const repo = join(tmp, 'repo');
  const env = fieldEnv(opts.cache);
  const result: CaseResult = { name: c.name, verified: false, reason: '', lockfile: 'repo', installSeconds: 0 };
  try {
    cloneBundle(caseDir, repo);
    const fixRef = 'origin/fix';

    // 2. install
    const inst = await installDependencies(caseDir, repo, env, opts);
    result.lockfile = inst.lockfile;
    result.installSeconds = inst.seconds;
    if (!inst.ok) {
      result.reason = inst.reason;
      return result;
    }

    // 3. base as it is: the named test file must pass (it cannot when it is new)
    if (!c.testFileIsNew) {
      result.baseOwn = outcome(run(c.testCommand, repo, env));
      if (result.baseOwn.exitCode !== 0) {
        result.reason = 'base with its own test file does not pass: the environment is broken';
        return result;
      }
    }

    // 4a. base + F's test file(s) only → must fail, for an assertion reason
    const testFiles = [c.testFile, ...(c.extraTestFiles ?? [])];
    git(['checkout', fixRef, '--', ...testFiles], repo);
    result.baseWithFixTest = outcome(run(c.testCommand, repo, env));
    if (result.baseWithFixTest.exitCode === 0) {
      result.reason = "F's test already passes on base";
      return result;
    }
    if (result.baseWithFixTest.loadError) {
      result.reason = `base + F's test fails before asserting anything (${result.baseWithFixTest.loadError})`;
      return result;
    }

    // 4b. the whole of F → must pass
    git(['checkout', '-q', '-f', fixRef], repo);
    result.fix = outcome(run(c.testCommand, repo, env));
    if (result.fix.exitCode !== 0) {
      result.reason = 'F does not pass its own test';
      return result;
    }
    result.verified = true;
    result.reason = 'fails on base with the fix commit\'s test, passes on the fix';
    return result;
  } finally {
    if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
    else result.reason += ` (kept ${repo})`;
  }
}

/** A case folder as given, or every case folder directly inside a folder of cases; anything else is skipped. */
export function caseDirs(path: string): string[] {
  if (existsSync(join(path, 'case.json'))) return [path];
  if (!existsSync(path) || !statSync(path).isDirectory()) return [];
  return readdirSync(path)
    .sort()
    .map((entry) => join(path, entry))
    .filter((dir) => existsSync(join(dir, 'case.json')));
}

async function main(argv: string[]): Promise<number> {
  const dirs: string[] = [];
  const opts: { writeLock?: boolean; keep?: boolean; cache?: string } = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--write-lock') opts.writeLock = true;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--json') json = true;
    else if (a === '--cache') opts.cache = argv[++i];
    else dirs.push(...caseDirs(a));
  }
  if (dirs.length === 0) {
    process.stderr.write('usage: verifyCase.ts <caseDir>... [--write-lock] [--keep] [--cache DIR] [--json]\n');
    return 2;
  }
  let ok = true;
  for (const dir of dirs) {
    const r = await verifyCase(dir, opts);
    ok &&= r.verified;
    if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else {
      const secs = (o?: RunOutcome) => (o ? `${o.seconds.toFixed(1)}s exit ${o.exitCode}` : '-');
      process.stdout.write(
        `${r.verified ? 'VERIFIED' : 'FAILED  '} ${r.name}: install ${r.installSeconds}s (${r.lockfile} lockfile); ` +
          `base ${secs(r.baseOwn)}; base+test ${secs(r.baseWithFixTest)}; fix ${secs(r.fix)} — ${r.reason}\n`,
      );
      if (!r.verified) {
        const last = r.fix ?? r.baseWithFixTest ?? r.baseOwn;
        if (last) process.stdout.write(`${last.tail}\n`);
      }
    }
  }
  return ok ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename ?? '')) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
