import type { ServerResponse } from 'node:http';
import { completionBody, partialChunks, streamChunks, type CompletionContext } from './completionChunks';
import { openAiError, sendJson, startEventStream, wait, writeEvent } from './httpReplies';
import type { Fault, Turn } from './scenarioSchema';

export interface TurnReply {
  res: ServerResponse;
  turn: Turn;
  ctx: CompletionContext;
  stream: boolean;
  includeUsage: boolean;
  latencyMs: number;
  /** Aborts when the client goes away or the simulator closes: stop writing and waiting. */
  gone: AbortSignal;
}

/** Answers one request with its scripted turn: a normal answer or the turn's fault. */
export async function respondToTurn(reply: TurnReply): Promise<void> {
  if (!(await wait(reply.latencyMs, reply.gone))) return;
  if (reply.turn.fault) return respondWithFault(reply, reply.turn.fault);
  if (!reply.stream) {
    sendJson(reply.res, 200, completionBody(reply.turn, reply.ctx), { 'x-request-id': reply.ctx.id });
    return;
  }
  startEventStream(reply.res, { 'x-request-id': reply.ctx.id });
  const delay = reply.turn.chunkDelayMs ?? 0;
  for (const chunk of streamChunks(reply.turn, reply.ctx, reply.includeUsage)) {
    if (reply.gone.aborted) return;
    await writeEvent(reply.res, JSON.stringify(chunk));
    if (delay > 0 && !(await wait(delay, reply.gone))) return;
  }
  await writeEvent(reply.res, '[DONE]');
  reply.res.end();
}

async function respondWithFault(reply: TurnReply, fault: Fault): Promise<void> {
  const { res } = reply;
  switch (fault.kind) {
    case 'rateLimit': {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      const message = fault.message ?? 'Rate limit reached (scripted by the Loom simulator). Please try again later.';
      sendJson(res, 429, openAiError(message, 'requests', 'rate_limit_exceeded'), headers);
      return;
    }
    case 'server': {
      const message = fault.message ?? 'The server had an error while processing your request (scripted by the Loom simulator).';
      sendJson(res, fault.status, openAiError(message, 'server_error', null));
      return;
    }
    case 'hang': {
      if (reply.stream && fault.afterChunks !== undefined) {
        startEventStream(res);
        await writeChunks(reply, partialChunks(reply.turn, reply.ctx, reply.includeUsage, fault.afterChunks));
      }
      await wait(fault.hangMs ?? Infinity, reply.gone);
      res.destroy();
      return;
    }
    case 'malformedStream': {
      if (!reply.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-broken", "choices": [ this is not JSON');
        return;
      }
      startEventStream(res);
      await writeChunks(reply, partialChunks(reply.turn, reply.ctx, reply.includeUsage, 1));
      await writeEvent(res, '{"choices": [ this is not JSON');
      res.end();
      return;
    }
    case 'truncatedStream': {
      if (!reply.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        await new Promise<void>((resolve) => res.write('{"id": "chatcmpl-cut", "choices": [{"index": 0, "mess', () => resolve()));
      } else {
        startEventStream(res);
        await writeChunks(reply, partialChunks(reply.turn, reply.ctx, reply.includeUsage, fault.afterChunks));
      }
      // Let the written bytes leave before the socket goes.
      await wait(20, reply.gone);
      res.socket?.destroy();
      res.destroy();
      return;
    }
  }
}

async function writeChunks(reply: TurnReply, chunks: Record<string, unknown>[]): Promise<void> {
  const delay = reply.turn.chunkDelayMs ?? 0;
  for (const chunk of chunks) {
    if (reply.gone.aborted) return;
    await writeEvent(reply.res, JSON.stringify(chunk));
    if (delay > 0 && !(await wait(delay, reply.gone))) return;
  }
}
