import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { killAllRunning, runProcess, type ProcessOutcome, type RunProcessOptions } from '../../../../extension/engine/process/runProcess';
import { acquireSpawnHelper, spawnHelper } from '../../../../extension/engine/process/spawnHelper';
import { serveSpawnRequests } from '../../../../extension/engine/process/spawnRelay';
import type { Disposable } from '../../../../extension/base/disposable';
import { alive, until } from '../../../fixtures/processes';

const ENV = { PATH: process.env.PATH ?? '' };
const run = (argv: string[], options: Partial<RunProcessOptions> = {}): Promise<ProcessOutcome> =>
  runProcess(argv, { cwd: '/', env: ENV, timeoutMs: 10_000, maxOutputChars: 10_000, ...options });

// One behaviour, however the command is started: as a child of this process, or by the run's spawn helper.
for (const mode of ['directly', 'through the spawn helper'] as const) {
  describe(`engine/process/runProcess, started ${mode}`, () => {
    let held: Disposable | undefined;
    beforeEach(() => {
      if (mode === 'through the spawn helper') held = acquireSpawnHelper();
    });
    afterEach(() => held?.dispose());

    it("gives the command's output, exit code and parent", async () => {
      const r = await run(['sh', '-c', 'echo $PPID; echo err >&2; exit 3']);
      assert.equal(r.exitCode, 3);
      assert.equal(r.stderr, 'err\n');
      const parent = Number(r.stdout.trim());
      if (mode === 'directly') assert.equal(parent, process.pid);
      else assert.notEqual(parent, process.pid, 'the helper started it: no fork of this process');
    });

    it('keeps a character whose bytes came in two writes whole', async () => {
      const r = await run([process.execPath, '-e', 'process.stdout.write(Buffer.from([0xe2])); setTimeout(() => process.stdout.write(Buffer.from([0x82, 0xac])), 50)']);
      assert.equal(r.stdout, '\u20ac');
    });

    it('keeps the start and the end of a long output, and counts what it left out', async () => {
      const r = await run([process.execPath, '-e', "for (let i = 0; i < 100000; i++) process.stdout.write('line ' + i + '\\n')"], { maxOutputChars: 1000 });
      assert.equal(r.exitCode, 0);
      assert.ok(r.stdout.startsWith('line 0\nline 1\n'), r.stdout.slice(0, 40));
      assert.ok(r.stdout.endsWith('line 99999\n'), r.stdout.slice(-40));
      let total = 0;
      for (let i = 0; i < 100000; i++) total += `line ${i}\n`.length;
      assert.match(r.stdout, new RegExp(`\\[${total - 1000} characters omitted\\]`));
    });

    it('reports arguments spawn refuses at once (a NUL byte) as an outcome', async () => {
      const r = await run(['echo', 'a\0b']);
      assert.equal(r.exitCode, null);
      assert.match(r.spawnError ?? '', /null bytes/);
    });

    it('on timeout ends the command and what it started in its group', async () => {
      const r = await run(['sh', '-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 400 });
      assert.equal(r.timedOut, true);
      const background = Number(r.stdout.trim());
      await until(() => !alive(background), 'the background sleep is ended');
    });

    it('on cancellation ends the command', async () => {
      const abort = new AbortController();
      const pending = run(['sleep', '30'], { signal: abort.signal });
      setTimeout(() => abort.abort(), 200);
      const r = await pending;
      assert.equal(r.cancelled, true);
      assert.notEqual(r.signal, null);
    });

    it('reports a program that cannot start as an outcome', async () => {
      const r = await run(['loom-no-such-program-x']);
      assert.equal(r.exitCode, null);
      assert.equal(r.spawnErrorCode, 'ENOENT');
    });

    it('ends once the command exited, though a process that left its group holds the pipes', async () => {
      const started = Date.now();
      const r = await run(['sh', '-c', 'setsid sleep 30 & echo $!']);
      assert.equal(r.exitCode, 0);
      assert.ok(Date.now() - started < 5_000, 'the outcome did not wait for the sleep');
      process.kill(Number(r.stdout.trim()), 'SIGKILL');
    });

    it('killAllRunning ends a command in flight', async () => {
      const pending = run(['sleep', '30']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      killAllRunning();
      const r = await pending;
      assert.equal(r.signal, 'SIGKILL');
    });
  });
}

describe('engine/process/runProcess through the spawn helper', () => {
  it("a helper that dies ends the commands it started, killed, and the next ones start directly", async () => {
    const held = acquireSpawnHelper();
    try {
      const helperPid = Number((await spawnHelper()!.run({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: '/', env: {} })).stdout.toString().trim());
      const pending = run(['sh', '-c', 'echo $$; sleep 30']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      process.kill(helperPid, 'SIGKILL');
      const r = await pending;
      assert.equal(r.signal, 'SIGKILL');
      await until(() => !alive(Number(r.stdout.trim())), 'the command is ended');
      assert.equal((await run(['sh', '-c', 'echo $PPID'])).stdout.trim(), String(process.pid));
    } finally {
      held.dispose();
    }
  });

  it('ends the commands of a worker thread that was terminated while they ran', async () => {
    const held = acquireSpawnHelper();
    const scratch = mkdtempSync(join(tmpdir(), 'loom-run-process-'));
    try {
      const pidFile = join(scratch, 'pid');
      const channel = new MessageChannel();
      serveSpawnRequests(channel.port1);
      const fixture = join(__dirname, '..', '..', '..', 'fixtures', 'workers', 'runProcessThroughRelay.ts');
      const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(fixture)});`, {
        eval: true,
        workerData: { spawnPort: channel.port2, cases: [{ argv: ['sh', '-c', `echo $$ > ${pidFile}; exec sleep 30`], timeoutMs: 60_000 }] },
        transferList: [channel.port2],
      });
      await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 'the command started');
      const pid = Number(readFileSync(pidFile, 'utf8'));
      assert.ok(alive(pid));
      await worker.terminate();
      await until(() => !alive(pid), 'the command ended with its worker');
    } finally {
      held.dispose();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("serves an agent worker thread's commands, streamed, through the coordinator's helper", async () => {
    const held = acquireSpawnHelper();
    try {
      const helperPid = (await spawnHelper()!.run({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: '/', env: {} })).stdout.toString().trim();
      const channel = new MessageChannel();
      serveSpawnRequests(channel.port1);
      const fixture = join(__dirname, '..', '..', '..', 'fixtures', 'workers', 'runProcessThroughRelay.ts');
      const cases = [
        { argv: ['sh', '-c', 'echo $PPID; echo err >&2; exit 2'], timeoutMs: 10_000 },
        { argv: ['sh', '-c', 'sleep 30 & echo $!; wait'], timeoutMs: 400 },
        { argv: ['loom-no-such-program-x'], timeoutMs: 10_000 },
      ];
      const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(fixture)});`, {
        eval: true,
        workerData: { spawnPort: channel.port2, cases },
        transferList: [channel.port2],
      });
      try {
        const [plain, timedOut, missing] = await new Promise<ProcessOutcome[]>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
        assert.equal(plain.exitCode, 2);
        assert.equal(plain.stdout.trim(), helperPid);
        assert.equal(plain.stderr, 'err\n');
        assert.equal(timedOut.timedOut, true);
        await until(() => !alive(Number(timedOut.stdout.trim())), 'the background sleep is ended');
        assert.equal(missing.spawnErrorCode, 'ENOENT');
      } finally {
        await worker.terminate();
        channel.port1.close();
      }
    } finally {
      held.dispose();
    }
  });
});
