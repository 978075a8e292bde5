import assert from 'node:assert/strict';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { mapModelError } from '../../../../extension/engine/models/mapModelError';
import { ModelError } from '../../../../extension/engine/models/modelProvider';

const statusError = (status: number, headers: Record<string, string> = {}) =>
  APIError.generate(status, { message: `status ${status}` }, undefined, new Headers(headers));

describe('mapModelError', () => {
  it('maps HTTP statuses to kinds and retryability', () => {
    const cases: Array<[number, string, boolean]> = [
      [429, 'rateLimited', true],
      [500, 'server', true],
      [503, 'server', true],
      [408, 'timeout', true],
      [401, 'auth', false],
      [403, 'auth', false],
      [400, 'badRequest', false],
      [404, 'badRequest', false],
      [422, 'badRequest', false],
    ];
    for (const [status, kind, retryable] of cases) {
      const error = mapModelError(statusError(status), undefined);
      assert.equal(error.kind, kind, `status ${status}`);
      assert.equal(error.retryable, retryable, `status ${status}`);
      assert.equal(error.status, status);
    }
  });

  it('reads Retry-After from the error headers', () => {
    const now = Date.now();
    assert.equal(mapModelError(statusError(429, { 'retry-after': '3' }), undefined, now).retryAfterMs, 3000);
    assert.equal(mapModelError(statusError(429, { 'retry-after-ms': '40' }), undefined, now).retryAfterMs, 40);
    assert.equal(mapModelError(statusError(429), undefined, now).retryAfterMs, undefined);
  });

  it('maps connection failures, timeouts, aborts and parse errors', () => {
    assert.equal(mapModelError(new APIConnectionTimeoutError(), undefined).kind, 'timeout');
    assert.equal(mapModelError(new APIConnectionError({ cause: new Error('ECONNREFUSED') }), undefined).kind, 'network');
    assert.equal(mapModelError(new APIUserAbortError(), undefined).kind, 'cancelled');
    assert.equal(mapModelError(new SyntaxError('Unexpected token'), undefined).kind, 'malformed');
    assert.equal(mapModelError(new TypeError('terminated'), undefined).kind, 'network');
    assert.equal(mapModelError(Object.assign(new Error('aborted'), { name: 'AbortError' }), undefined).kind, 'cancelled');
    const midStream = mapModelError(new APIError(undefined, { message: 'overloaded' }, undefined, undefined), undefined);
    assert.deepEqual([midStream.kind, midStream.retryable], ['server', true]);
  });

  it('lets our own abort cause decide over what the SDK reported', () => {
    const abort = new APIUserAbortError();
    assert.deepEqual([mapModelError(abort, { kind: 'idle', timeoutMs: 5 }).kind, mapModelError(abort, { kind: 'idle', timeoutMs: 5 }).retryable], ['timeout', true]);
    assert.equal(mapModelError(abort, { kind: 'deadline', timeoutMs: 5 }).kind, 'timeout');
    assert.equal(mapModelError(undefined, { kind: 'cancelled' }).retryable, false);
  });

  it('passes ModelErrors through and never throws on odd values', () => {
    const own = new ModelError('auth', 'x', false);
    assert.equal(mapModelError(own, undefined), own);
    for (const odd of [undefined, null, 42, 'text', {}]) {
      const error = mapModelError(odd, undefined);
      assert.ok(error instanceof ModelError);
      assert.equal(error.retryable, false);
    }
  });
});
