import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { acquireSpawnHelper, spawnHelper } from '../../../../extension/engine/process/spawnHelper';
import { serveSpawnRequests } from '../../../../extension/engine/process/spawnRelay';
import { commitTree, gitOut, runGit, treeOf } from '../../../../extension/engine/workspace/git';
import { makeRepo, type TempRepo } from '../../../fixtures/gitRepo';

/** The parent pid of a process, from /proc. */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

describe("the coordinator's spawn helper", () => {
  let repo: TempRepo;
  before(async () => {
    repo = await makeRepo({ 'a.txt': 'a\n' });
  });
  after(async () => {
    await repo.cleanup();
  });

  it('runs git for the coordinator while a run holds it: output, input, exit codes and errors as a direct spawn gives them', async () => {
    const direct = await gitOut(repo.dir, ['rev-parse', 'HEAD']);
    const held = acquireSpawnHelper();
    try {
      assert.ok(spawnHelper(), 'a helper is live while held');
      assert.equal(await gitOut(repo.dir, ['rev-parse', 'HEAD']), direct);
      // stdin reaches git (commit-tree reads the message from it)
      const commit = await commitTree(repo.dir, await treeOf(repo.dir, direct), [direct], 'through the helper');
      assert.equal(await gitOut(repo.dir, ['log', '-1', '--format=%s', commit]), 'through the helper');
      const missing = await runGit(repo.dir, ['rev-parse', '--verify', 'no-such-branch'], { okExitCodes: [128] });
      assert.equal(missing.exitCode, 128);
      await assert.rejects(runGit(`${repo.dir}/no-such-dir`, ['status']), /no such directory/);
    } finally {
      held.dispose();
    }
  });

  it('starts commands from its own process, whose environment holds nothing of this one', async () => {
    process.env.LOOM_TEST_CANARY = 'canary-secret-4242';
    const held = acquireSpawnHelper();
    try {
      const r = await spawnHelper()!.run({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: repo.dir, env: { PATH: process.env.PATH ?? '' } });
      const helperPid = Number(r.stdout.toString().trim());
      assert.notEqual(helperPid, process.pid);
      assert.equal(parentOf(helperPid), process.pid);
      assert.doesNotMatch(readFileSync(`/proc/${helperPid}/environ`, 'utf8'), /canary-secret-4242/);
    } finally {
      held.dispose();
      delete process.env.LOOM_TEST_CANARY;
    }
  });

  it("serves an agent worker thread's commands through the coordinator's helper, and lets it spawn directly when no run holds one", async () => {
    const parentInWorker = async (): Promise<number> => {
      const channel = new MessageChannel();
      serveSpawnRequests(channel.port1);
      const fixture = join(__dirname, '..', '..', '..', 'fixtures', 'workers', 'spawnThroughRelay.ts');
      const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(fixture)});`, {
        eval: true,
        workerData: { spawnPort: channel.port2 },
        transferList: [channel.port2],
      });
      try {
        return await new Promise<number>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
      } finally {
        await worker.terminate();
      }
    };
    const held = acquireSpawnHelper();
    try {
      const helperPid = Number((await spawnHelper()!.run({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: repo.dir, env: {} })).stdout.toString().trim());
      assert.equal(await parentInWorker(), helperPid);
    } finally {
      held.dispose();
    }
    assert.equal(await parentInWorker(), process.pid);
  });

  it('ends with its last holder, and git goes back to spawning directly', async () => {
    const first = acquireSpawnHelper();
    const second = acquireSpawnHelper();
    const r = await spawnHelper()!.run({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: repo.dir, env: {} });
    const helperPid = Number(r.stdout.toString().trim());
    first.dispose();
    assert.ok(spawnHelper(), 'still held by the second');
    second.dispose();
    assert.equal(spawnHelper(), null);
    for (let i = 0; i < 100 && isAlive(helperPid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(isAlive(helperPid), false, 'the helper process ended');
    assert.match(await gitOut(repo.dir, ['rev-parse', 'HEAD']), /^[0-9a-f]{40}$/);
  });

  it('ends on its own when the run that holds it is killed (SIGKILL: no dispose ever runs)', async () => {
    const owner = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../../fixtures/workers/holdSpawnHelper.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const helperPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      owner.stdout!.setEncoding('utf8').on('data', (text: string) => {
        out += text;
        const found = /helper (\d+)/.exec(out);
        if (found) resolve(Number(found[1]));
      });
      owner.once('exit', (code) => reject(new Error(`the owner exited (${code}) before its helper answered: ${out}`)));
    });
    assert.equal(parentOf(helperPid), owner.pid);
    owner.kill('SIGKILL');
    for (let i = 0; i < 250 && isAlive(helperPid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(isAlive(helperPid), false, 'the helper ended within 5 s of its owner');
  });

  it('a command in flight when the last holder lets go still answers; then the helper ends', async () => {
    const held = acquireSpawnHelper();
    const inFlight = spawnHelper()!.run({ file: 'sh', args: ['-c', 'sleep 0.3; echo $PPID'], cwd: repo.dir, env: { PATH: process.env.PATH ?? '' } });
    held.dispose();
    assert.equal(spawnHelper(), null, 'no new command goes to a closing helper');
    const r = await inFlight;
    assert.equal(r.code, 0);
    const helperPid = Number(r.stdout.toString().trim());
    for (let i = 0; i < 100 && isAlive(helperPid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(isAlive(helperPid), false, 'the helper ended once it had answered');
  });

  it('a helper that dies fails the command in flight (never runs it twice) and the next ones spawn directly', async () => {
    const held = acquireSpawnHelper();
    try {
      const pidOut = await spawnHelper()!.run({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: repo.dir, env: {} });
      const inFlight = spawnHelper()!.run({ file: 'sleep', args: ['5'], cwd: repo.dir, env: { PATH: process.env.PATH ?? '' } });
      process.kill(Number(pidOut.stdout.toString().trim()), 'SIGKILL');
      const r = await inFlight;
      assert.match(r.error ?? '', /spawn helper ended/);
      assert.equal(spawnHelper(), null);
      assert.match(await gitOut(repo.dir, ['rev-parse', 'HEAD']), /^[0-9a-f]{40}$/);
    } finally {
      held.dispose();
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}
