import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { StdioToolServer } from '../../../../../extension/engine/tools/server/stdioToolServer';
import { textResult } from '../../../../../extension/engine/tools/server/results';

/** The tool server's protocol layer over in-memory streams: what an MCP client other than the SDK's relies on. */
describe('engine/tools/server/stdioToolServer', () => {
  function serve() {
    const server = new StdioToolServer({ name: 'loom', version: '0.1.0' });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    server.registerTool('echo', { description: 'echo', inputSchema: { text: { type: 'string', description: 't' }, tags: { type: 'string[]', minItems: 1, description: 'g' } } }, async ({ text, tags }) =>
      textResult(`${text}:${tags.join(',')}`),
    );
    server.registerTool('hold', { description: 'waits', inputSchema: {} }, async (_args, extra) => {
      await Promise.race([held, new Promise((r) => extra.signal.addEventListener('abort', r))]);
      return textResult(extra.signal.aborted ? 'aborted' : 'done');
    });
    const input = new PassThrough();
    const output = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    let pending = '';
    output.on('data', (chunk) => {
      pending += String(chunk);
      for (let i; (i = pending.indexOf('\n')) >= 0; pending = pending.slice(i + 1)) lines.push(JSON.parse(pending.slice(0, i)));
    });
    server.connect(input, output);
    const send = (message: object) => input.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\r\n`);
    const answer = async (id: number) => {
      for (let i = 0; i < 100; i++) {
        const found = lines.find((l) => l.id === id);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 5));
      }
      return undefined;
    };
    return { server, send, answer, release };
  }

  it("answers initialize with the client's protocol version when it knows it, else its own latest", async () => {
    const { server, send, answer } = serve();
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    send({ id: 2, method: 'initialize', params: { protocolVersion: '1999-01-01', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    assert.deepEqual(await answer(1), { jsonrpc: '2.0', id: 1, result: { protocolVersion: '2024-11-05', capabilities: { tools: {} }, serverInfo: { name: 'loom', version: '0.1.0' } } });
    assert.equal(((await answer(2))?.result as { protocolVersion: string }).protocolVersion, '2025-11-25');
    await server.close();
  });

  it('lists JSON schemas, checks arguments, and answers unknown methods and tools with errors', async () => {
    const { server, send, answer } = serve();
    send({ id: 1, method: 'tools/list', params: {} });
    const echo = ((await answer(1))?.result as { tools: { name: string; inputSchema: unknown }[] }).tools.find((t) => t.name === 'echo');
    assert.deepEqual(echo?.inputSchema, {
      type: 'object',
      properties: { text: { type: 'string', description: 't' }, tags: { type: 'array', items: { type: 'string' }, description: 'g', minItems: 1 } },
      required: ['text', 'tags'],
    });
    send({ id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'a', tags: ['x', 'y'], extra: 1 } } });
    assert.deepEqual((await answer(2))?.result, { content: [{ type: 'text', text: 'a:x,y' }] });
    send({ id: 3, method: 'tools/call', params: { name: 'echo', arguments: { tags: [] } } });
    assert.deepEqual((await answer(3))?.result, {
      content: [{ type: 'text', text: 'MCP error -32602: Input validation error: Invalid arguments for tool echo: text: required; tags: expected at least 1 item(s)' }],
      isError: true,
    });
    send({ id: 4, method: 'tools/call', params: { name: 'nope', arguments: {} } });
    assert.equal(((await answer(4))?.result as { isError: boolean }).isError, true);
    send({ id: 5, method: 'resources/list', params: {} });
    assert.deepEqual((await answer(5))?.error, { code: -32601, message: 'Method not found' });
    await server.close();
  });

  it('a cancelled call gets no answer; other calls still do', async () => {
    const { server, send, answer, release } = serve();
    send({ id: 1, method: 'tools/call', params: { name: 'hold', arguments: {} } });
    send({ id: 2, method: 'tools/call', params: { name: 'hold', arguments: {} } });
    send({ method: 'notifications/cancelled', params: { requestId: 1, reason: 'stop' } });
    release();
    assert.deepEqual((await answer(2))?.result, { content: [{ type: 'text', text: 'done' }] });
    assert.equal(await answer(1), undefined);
    await server.close();
  });
});
