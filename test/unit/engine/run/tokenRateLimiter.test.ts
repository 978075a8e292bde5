import assert from 'node:assert/strict';
import { TokenRateLimiter } from '../../../../extension/engine/run/tokenRateLimiter';

describe('engine/run/tokenRateLimiter', () => {
  it('serves waiting calls first come, first served: a small call never jumps ahead of a large one', async () => {
    const limiter = new TokenRateLimiter(600_000); // 10 tokens a millisecond, starting empty
    const order: string[] = [];
    const big = limiter.take('p', 500).then(() => order.push('big'));
    const small = limiter.take('p', 10).then(() => order.push('small'));
    await Promise.all([big, small]);
    assert.deepEqual(order, ['big', 'small']);
    limiter.dispose();
  });

  it('starts empty and charges real usage when a call ends: a call that used more than it was charged puts the provider in debt, and the next call waits it out', async () => {
    const limiter = new TokenRateLimiter(600_000);
    const started = Date.now();
    assert.ok((await limiter.take('p', 200)) >= 15, 'the first call waits for its tokens');
    limiter.adjust('p', 1_000); // it used 1,000 tokens more than its prompt estimate
    const waited = await limiter.take('p', 10);
    assert.ok(waited >= 90, `waited ${waited} ms to repay 1,000 tokens at 10 a millisecond`);
    const elapsed = Date.now() - started;
    assert.ok(1_210 / elapsed <= 10 * 1.05, `${1_210} tokens in ${elapsed} ms stays under the rate`);
    limiter.dispose();
  });

  it('keeps providers apart, and a cancelled wait leaves the queue', async () => {
    const limiter = new TokenRateLimiter(600_000);
    const abort = new AbortController();
    const cancelled = limiter.take('slow', 50_000, abort.signal);
    abort.abort();
    await assert.rejects(cancelled, (err: Error & { kind?: string }) => err.kind === 'cancelled');
    assert.ok((await limiter.take('other', 10)) < 50, 'another provider does not wait behind it');
    limiter.dispose();
  });
});
