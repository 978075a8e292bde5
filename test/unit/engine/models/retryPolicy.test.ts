import assert from 'node:assert/strict';
import { backoffDelayMs, decideRetry, parseRetryAfterMs, type RetryPolicy } from '../../../../extension/engine/models/retryPolicy';

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 };
const headers = (entries: Record<string, string>) => ({ get: (name: string) => entries[name] ?? null });

describe('retryPolicy', () => {
  it('backs off exponentially with jitter inside [window/2, window]', () => {
    assert.equal(backoffDelayMs(1, policy, () => 0), 50);
    assert.equal(backoffDelayMs(1, policy, () => 1), 100);
    assert.equal(backoffDelayMs(2, policy, () => 1), 200);
    assert.equal(backoffDelayMs(3, policy, () => 0.5), 300);
    assert.equal(backoffDelayMs(10, policy, () => 1), 1000, 'capped at maxDelayMs');
  });

  it('treats a broken random source as 0', () => {
    assert.equal(backoffDelayMs(1, policy, () => Number.NaN), 50);
    assert.equal(backoffDelayMs(1, policy, () => 7), 100);
  });

  it('retries retryable errors up to maxRetries', () => {
    const decide = (retryNumber: number, retryable = true) => decideRetry({ retryNumber, retryable, retryAfterMs: undefined, policy, random: () => 1 });
    assert.deepEqual(decide(1), { retry: true, delayMs: 100 });
    assert.deepEqual(decide(3), { retry: true, delayMs: 400 });
    assert.deepEqual(decide(4), { retry: false, reason: 'gave up after 4 attempts' });
    assert.equal(decide(1, false).retry, false);
  });

  it('waits at least the server-given delay', () => {
    const d = decideRetry({ retryNumber: 1, retryable: true, retryAfterMs: 1000, policy, random: () => 1 });
    assert.ok(d.retry && d.delayMs >= 1000 && d.delayMs <= 1100, JSON.stringify(d));
    const zero = decideRetry({ retryNumber: 1, retryable: true, retryAfterMs: 1000, policy, random: () => 0 });
    assert.deepEqual(zero, { retry: true, delayMs: 1000 });
  });

  it('does not wait in place for longer than maxRetryAfterMs', () => {
    const d = decideRetry({ retryNumber: 1, retryable: true, retryAfterMs: 3_600_000, policy, random: () => 0 });
    assert.equal(d.retry, false);
    assert.match(!d.retry ? d.reason : '', /3600000 ms/);
  });

  it('parses retry-after-ms, Retry-After seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfterMs(headers({ 'retry-after-ms': '250' }), now), 250);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after-ms': '12.3', 'retry-after': '9' }), now), 13, 'ms header wins');
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': '2' }), now), 2000);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': '0.5' }), now), 500);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now), 30_000);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }), now), 0, 'a past date means now');
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after-ms': 'x' }), now), undefined);
    assert.equal(parseRetryAfterMs(headers({}), now), undefined);
    assert.equal(parseRetryAfterMs(undefined, now), undefined);
  });
});
