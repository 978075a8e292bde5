import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { requestChars } from './completionChunks';
import { openAiError, sendJson } from './httpReplies';
import { parseScenario } from './loadScenario';
import { PromptCache } from './promptCache';
import { capTurn, requestedMaxTokens } from './maxTokens';
import { respondToTurn } from './respondToTurn';
import type { Fault, Scenario, ScenarioInput } from './scenarioSchema';
import { identityFromHeaders, ScriptBook, type AgentIdentity } from './scriptBook';

/** One request the simulator received, for tests and the demo to inspect. */
export interface SimulatorRequest {
  agentId: string;
  role?: string;
  taskId?: string;
  attempt?: number;
  /** Index of the turn this request consumed; null when it had no script or was invalid. */
  turnIndex: number | null;
  /** The agents[] entry that scripts this agent; null when none. */
  entryIndex: number | null;
  stream: boolean;
  receivedAt: number;
  /** When the simulator was done with it: answer complete, connection dropped, or client gone. */
  respondedAt: number | null;
  /** HTTP status sent, null when none was (a hang). */
  status: number | null;
  fault?: Fault['kind'];
  /** The raw request body, when the simulator was started with `recordBodies`. */
  body?: string;
}

export interface Simulator {
  /** Base URL for an OpenAI client, e.g. http://127.0.0.1:40123/v1 */
  readonly url: string;
  readonly port: number;
  readonly scenario: Scenario;
  /** Every chat request so far, in arrival order. */
  readonly requests: readonly SimulatorRequest[];
  /** Stops listening and destroys every connection, hanging ones included. Idempotent. */
  close(): Promise<void>;
}

export interface StartSimulatorOptions {
  scenario: ScenarioInput;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Keep each request's raw body on its SimulatorRequest (tests check what reached the model). */
  recordBodies?: boolean;
}

const maxBodyBytes = 32 * 1024 * 1024;

/** Starts the OpenAI-compatible model simulator on 127.0.0.1 (by default) and a free port. */
export async function startSimulator(options: StartSimulatorOptions): Promise<Simulator> {
  const scenario = parseScenario(options.scenario, 'inline scenario');
  const host = options.host ?? '127.0.0.1';
  const book = new ScriptBook(scenario);
  const cache = scenario.promptCache === false ? null : new PromptCache(scenario.promptCache);
  const requests: SimulatorRequest[] = [];
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  // Each request in flight listens on it until its response closes: more than 10 agents at once is normal.
  setMaxListeners(0, closing.signal);

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, openAiError(`Loom simulator internal error: ${(error as Error).message}`, 'server_error', null));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined);
    const path = new URL(req.url ?? '/', 'http://simulator').pathname.replace(/\/+$/, '');
    if (path === '/v1/models' && req.method === 'GET') {
      sendJson(res, 200, { object: 'list', data: [{ id: scenario.model, object: 'model', created: 0, owned_by: 'loom-simulator' }] });
      return;
    }
    if (path !== '/v1/chat/completions') {
      sendJson(res, 404, openAiError(`Loom simulator serves GET /v1/models and POST /v1/chat/completions, not ${req.method} ${path || '/'}`, 'invalid_request_error', 'not_found'));
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, openAiError(`use POST for /v1/chat/completions, not ${req.method}`, 'invalid_request_error', 'method_not_allowed'));
      return;
    }
    await chat(req, res);
  }

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const who = identityFromHeaders(req.headers);
    const entry: SimulatorRequest = {
      agentId: who.agentId,
      role: who.role,
      taskId: who.taskId,
      attempt: who.attempt,
      turnIndex: null,
      entryIndex: null,
      stream: false,
      receivedAt: Date.now(),
      respondedAt: null,
      status: null,
    };
    requests.push(entry);
    const gone = new AbortController();
    const onClosing = (): void => gone.abort();
    closing.signal.addEventListener('abort', onClosing, { once: true });
    const done = (): void => {
      entry.respondedAt ??= Date.now();
      entry.status = res.headersSent ? res.statusCode : null;
    };
    res.on('close', () => {
      done();
      gone.abort();
      closing.signal.removeEventListener('abort', onClosing);
    });

    await answer(req, res, who, entry, gone.signal);
    done();
  }

  async function answer(req: IncomingMessage, res: ServerResponse, who: AgentIdentity, entry: SimulatorRequest, gone: AbortSignal): Promise<void> {
    const body = await readJsonBody(req);
    if (options.recordBodies) entry.body = body.text;
    if (!body.ok) {
      sendJson(res, body.status, openAiError(body.message, 'invalid_request_error', 'invalid_body'));
      return;
    }
    const payload = body.value as { messages?: unknown; tools?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } | null; max_tokens?: unknown; max_completion_tokens?: unknown };
    if (!Array.isArray(payload.messages)) {
      sendJson(res, 400, openAiError('"messages" must be an array of chat messages', 'invalid_request_error', 'invalid_value', 'messages'));
      return;
    }
    entry.stream = payload.stream === true;
    const lookup = book.next(who);
    if (!lookup.ok) {
      sendJson(res, 400, openAiError(lookup.message, 'invalid_request_error', lookup.code));
      return;
    }
    // Every request the provider accepted goes through its cache, whatever the scripted answer.
    const cachedTokens = cache?.lookup(who.agentId, { messages: payload.messages, tools: payload.tools });
    entry.turnIndex = lookup.turnIndex;
    entry.entryIndex = lookup.entryIndex;
    entry.fault = lookup.turn.fault?.kind;
    await respondToTurn({
      res,
      turn: capTurn(lookup.turn, requestedMaxTokens(payload), lookup.turnIndex),
      ctx: {
        id: `chatcmpl-sim-${randomUUID().slice(0, 12)}`,
        created: Math.floor(Date.now() / 1000),
        model: scenario.model,
        turnIndex: lookup.turnIndex,
        chunkChars: scenario.chunkChars,
        inputChars: requestChars(payload.messages),
        cachedTokens,
      },
      stream: entry.stream,
      includeUsage: payload.stream_options?.include_usage === true,
      latencyMs: lookup.turn.latencyMs ?? scenario.defaultLatencyMs,
      gone,
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    scenario,
    requests,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

type BodyResult = ({ ok: true; value: unknown } | { ok: false; status: number; message: string }) & { text?: string };

async function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) return { ok: false, status: 413, message: `request body is larger than ${maxBodyBytes} bytes` };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, status: 400, message: 'request body must be a JSON object', text };
    }
    return { ok: true, value, text };
  } catch (error) {
    return { ok: false, status: 400, message: `request body is not valid JSON: ${(error as Error).message}`, text };
  }
}
