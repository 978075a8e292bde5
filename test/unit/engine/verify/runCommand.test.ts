import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandNotAllowedError, runCommand } from '../../../../extension/engine/verify/runCommand';
import { isCommandAllowed } from '../../../../extension/engine/policy/commandAllowlist';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('engine/verify/runCommand', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loom-run-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs argv without a shell', async () => {
    const r = await runCommand(['node', '-e', 'process.stdout.write(process.argv[1])', '$HOME; echo hi'], { cwd: dir, timeoutMs: 10_000, allowlist: ['node'] });
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, '$HOME; echo hi');
  });

  it('passes a minimal environment without secrets, with CI=1', async () => {
    process.env.OPENAI_API_KEY = 'sk-should-not-leak';
    try {
      const r = await runCommand(['node', '-e', 'console.log(JSON.stringify(process.env))'], { cwd: dir, timeoutMs: 10_000, allowlist: ['node'] });
      const env = JSON.parse(r.stdout) as Record<string, string>;
      assert.equal(env.CI, '1');
      assert.equal(env.OPENAI_API_KEY, undefined);
      assert.deepEqual(Object.keys(env).sort(), ['CI', 'HOME', 'LANG', 'PATH'].filter((k) => k === 'CI' || process.env[k] !== undefined).sort());
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });

  it('enforces the one allowlist rule (policy/commandAllowlist) before anything runs', async () => {
    assert.equal(isCommandAllowed([process.execPath, '-v'], ['node']), true);
    assert.equal(isCommandAllowed(['bash', '-c', 'true'], ['node', 'npm']), false);
    assert.equal(isCommandAllowed([], ['node']), false);
    await assert.rejects(
      runCommand(['bash', '-c', 'touch pwned'], { cwd: dir, timeoutMs: 10_000, allowlist: ['node', 'npm'] }),
      (err: unknown) => err instanceof CommandNotAllowedError && /"bash" is not on the command allowlist \(node, npm\)/.test(err.message),
    );
    assert.equal(fs.existsSync(path.join(dir, 'pwned')), false);
  });

  it('kills the whole process group on timeout', async () => {
    const pidFile = path.join(dir, 'child.pid');
    const script = `
      const { spawn } = require('node:child_process');
      const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));
      setInterval(() => {}, 1000);`;
    const t0 = Date.now();
    const r = await runCommand(['node', '-e', script], { cwd: dir, timeoutMs: 1500, allowlist: ['node'] });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    assert.ok(Date.now() - t0 < 8000);
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((res) => setTimeout(res, 100));
    assert.equal(alive(grandchild), false, 'the grandchild survived the timeout');
  });

  it('truncates long output, keeping head and tail', async () => {
    const r = await runCommand(['node', '-e', "process.stdout.write('A' + 'x'.repeat(100000) + 'Z')"], { cwd: dir, timeoutMs: 10_000, allowlist: ['node'], maxOutputChars: 1000 });
    assert.ok(r.stdout.length < 1100);
    assert.ok(r.stdout.startsWith('A'));
    assert.ok(r.stdout.endsWith('Z'));
    assert.match(r.stdout, /characters omitted/);
  });

  it('reports a program that cannot start as a result, not a throw', async () => {
    const r = await runCommand(['loom-no-such-program'], { cwd: dir, timeoutMs: 10_000, allowlist: ['loom-no-such-program'] });
    assert.equal(r.exitCode, null);
    assert.match(r.spawnError ?? '', /ENOENT/);
  });
});
