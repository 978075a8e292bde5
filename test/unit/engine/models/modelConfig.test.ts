import assert from 'node:assert/strict';
import { ModelNotConfiguredError, resolveModelEndpoint } from '../../../../extension/engine/models/modelConfig';

function configError(fn: () => unknown): ModelNotConfiguredError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ModelNotConfiguredError, String(error));
    return error;
  }
  assert.fail('expected ModelNotConfiguredError');
}

describe('resolveModelEndpoint', () => {
  it('takes flags over environment, the key from the environment, and applies defaults', () => {
    const endpoint = resolveModelEndpoint({
      flags: { baseUrl: 'https://api.example.com/v1', model: 'flag-model' },
      env: { LOOM_BASE_URL: 'http://ignored', LOOM_MODEL: 'env-model', LOOM_API_KEY: 'loom-key', OPENAI_API_KEY: 'openai-key' },
    });
    assert.deepEqual(endpoint, { baseUrl: 'https://api.example.com/v1', model: 'flag-model', apiKey: 'loom-key', timeoutMs: 60_000, maxRetries: 3, headers: [] });
  });

  it('reads LOOM_BASE_URL, LOOM_MODEL and falls back to OPENAI_API_KEY', () => {
    const endpoint = resolveModelEndpoint({ flags: {}, env: { LOOM_BASE_URL: 'https://x.test/v1', LOOM_MODEL: 'm', OPENAI_API_KEY: 'sk' } });
    assert.equal(endpoint.baseUrl, 'https://x.test/v1');
    assert.equal(endpoint.apiKey, 'sk');
  });

  it('allows no key for a loopback server', () => {
    const endpoint = resolveModelEndpoint({ flags: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen' }, env: {} });
    assert.equal(endpoint.apiKey, '');
    assert.equal(resolveModelEndpoint({ flags: { baseUrl: 'http://localhost:1234/v1', model: 'm' }, env: {} }).apiKey, '');
  });

  it('says exactly how to configure a model when none is', () => {
    const error = configError(() => resolveModelEndpoint({ flags: {}, env: {} }));
    assert.equal(error.problems.length, 2);
    for (const hint of ['--base-url', '--model', 'LOOM_BASE_URL', 'LOOM_MODEL', 'LOOM_API_KEY', 'OPENAI_API_KEY', '--simulate']) {
      assert.ok(error.message.includes(hint), `message mentions ${hint}`);
    }
  });

  it('names the missing model alone', () => {
    const error = configError(() => resolveModelEndpoint({ flags: { baseUrl: 'http://127.0.0.1:1/v1' }, env: {} }));
    assert.deepEqual(error.problems, ['no model name (--model or LOOM_MODEL)']);
  });

  it('rejects a bad URL, and a remote endpoint without a key', () => {
    assert.match(configError(() => resolveModelEndpoint({ flags: { baseUrl: 'not a url', model: 'm' }, env: {} })).message, /not a valid URL/);
    assert.match(configError(() => resolveModelEndpoint({ flags: { baseUrl: 'ftp://x/v1', model: 'm' }, env: {} })).message, /http/);
    assert.match(configError(() => resolveModelEndpoint({ flags: { baseUrl: 'https://api.openai.com/v1', model: 'm' }, env: {} })).message, /no API key for api\.openai\.com/);
  });

  it('validates timeout and retries', () => {
    assert.match(configError(() => resolveModelEndpoint({ flags: { baseUrl: 'http://127.0.0.1/v1', model: 'm', timeoutMs: 0 }, env: {} })).message, /timeout/);
    assert.match(configError(() => resolveModelEndpoint({ flags: { baseUrl: 'http://127.0.0.1/v1', model: 'm', maxRetries: -1 }, env: {} })).message, /retries/);
  });
});
