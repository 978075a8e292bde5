import assert from 'node:assert/strict';
import * as path from 'node:path';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { WorkerPool } from '../../../../extension/engine/run/workerPool';

const SCRIPT = path.resolve(__dirname, '../../../fixtures/workers/reportWorkerData.cjs');

/** The code the worker was started to load ahead, as it says when asked. */
function codeOf(worker: Worker): Promise<string | null> {
  const answer = once(worker, 'message').then(([message]) => (message as { preloadAgentCode: string | null }).preloadAgentCode);
  worker.postMessage('which code?');
  return answer;
}

describe('engine/run/workerPool', () => {
  let pool: WorkerPool;
  afterEach(async () => pool.dispose());

  it('gives each agent an idle worker warmed with its code if there is one, else a plain idle worker, else any idle one, else a new one', async () => {
    pool = new WorkerPool(SCRIPT, { keepIdle: 0 });
    pool.warm(2, 'implementor');
    pool.warm(1, 'verifier');
    pool.warm(1);
    assert.equal(pool.idleCount, 4);
    const verifier = pool.take('verifier');
    const implementor = pool.take('implementor');
    assert.deepEqual(await Promise.all([codeOf(verifier), codeOf(implementor)]), ['verifier', 'implementor']);
    // No verifier-warmed worker left: the plain one, then the other implementor's (better than a cold start).
    const taken = [pool.take('verifier'), pool.take('verifier')];
    assert.deepEqual(await Promise.all(taken.map(codeOf)), [null, 'implementor']);
    assert.equal(pool.idleCount, 0);
    const cold = pool.take('verifier');
    assert.equal(await codeOf(cold), null);
    await Promise.all([verifier, implementor, ...taken, cold].map((w) => w.terminate()));
  });

  it("warms one worker of a wave's kind per agent even when plain workers are kept idle", async () => {
    // A run keeps two plain workers idle; its first wave of eight must not find only seven with their code.
    pool = new WorkerPool(SCRIPT, { keepIdle: 2 });
    pool.warm(2);
    pool.warm(8, 'implementor');
    assert.equal(pool.idleCount, 10);
    const taken = Array.from({ length: 8 }, () => pool.take('implementor'));
    assert.deepEqual(await Promise.all(taken.map(codeOf)), Array(8).fill('implementor'));
    await Promise.all(taken.map((w) => w.terminate()));
  });

  it('holds at most nine idle workers, or one wave of at most sixteen, whatever is asked', async () => {
    pool = new WorkerPool(SCRIPT, { keepIdle: 0 });
    pool.warm(8, 'implementor');
    pool.warm(8, 'verifier');
    assert.equal(pool.idleCount, 9);
    await pool.dispose();
    // A run at concurrency 64: the wave is warmed for sixteen agents; the rest start as they go.
    pool = new WorkerPool(SCRIPT, { keepIdle: 0 });
    pool.warm(64, 'implementor');
    assert.equal(pool.idleCount, 16);
  });
});
