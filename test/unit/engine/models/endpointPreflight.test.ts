import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EndpointPreflightError, preflightEndpoint } from '../../../../extension/engine/models/endpointPreflight';
import type { ModelEndpoint } from '../../../../extension/protocol/workerMessages';

/** A tiny OpenAI-compatible server on 127.0.0.1 whose answers the test decides. */
async function server(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void>; paths: string[] }> {
  const paths: string[] = [];
  const s: Server = createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/v1`, paths, close: () => new Promise((r) => s.close(() => r())) };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const endpoint = (baseUrl: string, model = 'm1'): ModelEndpoint => ({ baseUrl, model, apiKey: 'sk-test', timeoutMs: 5000, maxRetries: 3, headers: [] });

async function preflightError(e: ModelEndpoint): Promise<string> {
  const error = await preflightEndpoint(e).then(
    () => null,
    (err: unknown) => err,
  );
  assert.ok(error instanceof EndpointPreflightError, `expected EndpointPreflightError, got ${String(error)}`);
  return error.message;
}

describe('endpoint preflight (before planning)', () => {
  it('an endpoint nobody listens on is named, with what to check', async () => {
    const message = await preflightError(endpoint('http://127.0.0.1:9/v1'));
    assert.match(message, /could not reach the model endpoint at http:\/\/127\.0\.0\.1:9\/v1/);
    assert.match(message, /--base-url, LOOM_BASE_URL/);
  });

  it('a refused key says which variable to set', async () => {
    const s = await server((_req, res) => json(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
    try {
      const message = await preflightError(endpoint(s.url));
      assert.match(message, new RegExp(`${s.url.replace(/[/.]/g, '\\$&')} refused the API key \\(HTTP 401\\)`));
      assert.match(message, /LOOM_API_KEY/);
    } finally {
      await s.close();
    }
  });

  it('an endpoint that lists the model passes with no warning, in one request', async () => {
    const s = await server((_req, res) => json(res, 200, { object: 'list', data: [{ id: 'm1', object: 'model', created: 0, owned_by: 'x' }] }));
    try {
      assert.deepEqual(await preflightEndpoint(endpoint(s.url)), { warning: null });
      assert.deepEqual(s.paths, ['GET /v1/models']);
    } finally {
      await s.close();
    }
  });

  it('a model the endpoint does not list is a warning that names the listed ones, not a failure', async () => {
    const s = await server((_req, res) => json(res, 200, { object: 'list', data: [{ id: 'llama3:latest', object: 'model', created: 0, owned_by: 'x' }] }));
    try {
      const { warning } = await preflightEndpoint(endpoint(s.url, 'gpt-x'));
      assert.match(warning ?? '', /model gpt-x is not among the 1 models .* lists \(llama3:latest\)/);
      assert.equal((await preflightEndpoint(endpoint(s.url, 'llama3'))).warning, null, 'ollama tags: llama3 is llama3:latest');
    } finally {
      await s.close();
    }
  });

  it('an endpoint without GET /models is asked for one token instead', async () => {
    const s = await server((req, res) => {
      if (req.url?.endsWith('/models')) return json(res, 404, { error: { message: 'not found' } });
      json(res, 200, { id: 'c', object: 'chat.completion', created: 0, model: 'm1', choices: [{ index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'O' } }] });
    });
    try {
      assert.deepEqual(await preflightEndpoint(endpoint(s.url)), { warning: null });
      assert.deepEqual(s.paths, ['GET /v1/models', 'POST /v1/chat/completions']);
    } finally {
      await s.close();
    }
  });

  it('an unknown model on an endpoint without GET /models says to check --model', async () => {
    const s = await server((_req, res) => json(res, 404, { error: { message: 'The model `gpt-x` does not exist' } }));
    try {
      const message = await preflightError(endpoint(s.url, 'gpt-x'));
      assert.match(message, /does not serve model gpt-x \(HTTP 404\).*Check --model or LOOM_MODEL/);
    } finally {
      await s.close();
    }
  });

  it("a busy endpoint (429 or 5xx) is a warning: the run's retries wait for it", async () => {
    const s = await server((_req, res) => json(res, 503, { error: { message: 'overloaded' } }));
    try {
      const { warning } = await preflightEndpoint(endpoint(s.url));
      assert.match(warning ?? '', /answered the check with: model server error \(503\)/);
    } finally {
      await s.close();
    }
  });
});
