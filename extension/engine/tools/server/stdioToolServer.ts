// The MCP server side Loom's tool server needs, over stdio (newline-delimited JSON-RPC 2.0): initialize,
// ping, tools/list, tools/call with progress and cancellation. Written here rather than taken from the
// MCP SDK's McpServer because the SDK's server builds every protocol schema with zod when it loads,
// which cost each agent's server about 18 MB of its 60 MB; the agent's side still uses the SDK's Client.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { listedTool, parseInput, type InputFields, type InputOf, type ListedTool } from './toolInput';
import { errorResult } from './results';

/** Protocol versions this server speaks (the SDK 1.x list); it answers with the client's if known, else the first. */
const PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];

type RequestId = string | number;

interface JsonRpcMessage {
  jsonrpc?: string;
  id?: RequestId | null;
  method?: string;
  params?: Record<string, unknown>;
}

/** What a tool handler gets beside its arguments (the same names as the SDK's RequestHandlerExtra). */
export interface ToolCallExtra {
  /** Aborted when the client cancels the call or the server closes. */
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification(notification: { method: string; params: Record<string, unknown> }): Promise<void>;
}

export interface ToolDefinition<F extends InputFields> {
  description: string;
  inputSchema: F;
  annotations?: Record<string, boolean>;
}

export type ToolHandler<F extends InputFields> = (args: InputOf<F>, extra: ToolCallExtra) => Promise<CallToolResult>;

/** Where tools are registered: the tool server, or a test's stand-in. */
export interface ToolRegistry {
  registerTool<F extends InputFields>(name: string, definition: ToolDefinition<F>, handler: ToolHandler<F>): void;
}

interface RegisteredTool {
  definition: ToolDefinition<InputFields>;
  handler: ToolHandler<InputFields>;
}

const METHOD_NOT_FOUND = -32601;
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

export class StdioToolServer implements ToolRegistry {
  private readonly tools = new Map<string, RegisteredTool>();
  private readonly running = new Map<RequestId, AbortController>();
  private input?: NodeJS.ReadableStream;
  private output?: NodeJS.WritableStream;
  private buffered = '';
  private closed = false;
  private readonly onData = (chunk: Buffer | string): void => this.receive(String(chunk));

  constructor(private readonly info: { name: string; version: string }) {}

  registerTool<F extends InputFields>(name: string, definition: ToolDefinition<F>, handler: ToolHandler<F>): void {
    if (this.tools.has(name)) throw new Error(`tool ${name} is already registered`);
    this.tools.set(name, { definition, handler: handler as unknown as ToolHandler<InputFields> });
  }

  /** Serves over these streams (process.stdin and process.stdout by default) until close(). */
  connect(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): void {
    this.input = input;
    this.output = output;
    input.on('data', this.onData);
  }

  /** Stops reading and cancels the calls under way. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input?.off('data', this.onData);
    for (const controller of this.running.values()) controller.abort('the server is closing');
    this.running.clear();
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline).replace(/\r$/, '');
      this.buffered = this.buffered.slice(newline + 1);
      if (line.trim()) this.dispatch(line);
    }
  }

  private dispatch(line: string): void {
    let message: JsonRpcMessage;
    try {
      message = JSON.parse(line) as JsonRpcMessage;
    } catch {
      this.send({ jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message: 'Parse error' } });
      return;
    }
    if (typeof message !== 'object' || message === null || message.jsonrpc !== '2.0') {
      this.send({ jsonrpc: '2.0', id: null, error: { code: INVALID_REQUEST, message: 'Invalid Request' } });
      return;
    }
    const { id, method } = message;
    if (typeof method !== 'string') return; // a response to nothing this server asked
    if (id === undefined || id === null) {
      this.notified(method, message.params ?? {});
      return;
    }
    void this.answer(id, method, message.params ?? {});
  }

  private notified(method: string, params: Record<string, unknown>): void {
    if (method === 'notifications/cancelled') {
      const requestId = params.requestId as RequestId;
      this.running.get(requestId)?.abort(params.reason ?? 'cancelled by the client');
    }
    // notifications/initialized and anything else need no action.
  }

  private async answer(id: RequestId, method: string, params: Record<string, unknown>): Promise<void> {
    switch (method) {
      case 'initialize': {
        const asked = typeof params.protocolVersion === 'string' ? params.protocolVersion : '';
        const protocolVersion = PROTOCOL_VERSIONS.includes(asked) ? asked : PROTOCOL_VERSIONS[0];
        this.send({ jsonrpc: '2.0', id, result: { protocolVersion, capabilities: { tools: {} }, serverInfo: this.info } });
        return;
      }
      case 'ping':
        this.send({ jsonrpc: '2.0', id, result: {} });
        return;
      case 'tools/list':
        this.send({ jsonrpc: '2.0', id, result: { tools: this.listTools() } });
        return;
      case 'tools/call':
        await this.callTool(id, params);
        return;
      default:
        this.send({ jsonrpc: '2.0', id, error: { code: METHOD_NOT_FOUND, message: 'Method not found' } });
    }
  }

  private listTools(): ListedTool[] {
    return [...this.tools].map(([name, { definition }]) => listedTool(name, definition));
  }

  /** Every failure of a call is a tool error the model can read, as the SDK's McpServer reports them. */
  private async callTool(id: RequestId, params: Record<string, unknown>): Promise<void> {
    const name = String(params.name);
    const tool = this.tools.get(name);
    if (!tool) {
      this.send({ jsonrpc: '2.0', id, result: errorResult(`MCP error -32602: Tool ${name} not found`) });
      return;
    }
    const parsed = parseInput(tool.definition.inputSchema, params.arguments);
    if (!parsed.ok) {
      this.send({ jsonrpc: '2.0', id, result: errorResult(`MCP error -32602: Input validation error: Invalid arguments for tool ${name}: ${parsed.message}`) });
      return;
    }
    const controller = new AbortController();
    this.running.set(id, controller);
    const meta = params._meta as ToolCallExtra['_meta'];
    const extra: ToolCallExtra = {
      signal: controller.signal,
      _meta: meta,
      sendNotification: async (notification) => this.send({ jsonrpc: '2.0', ...notification }),
    };
    let result: CallToolResult;
    try {
      result = await tool.handler(parsed.value, extra);
    } catch (err) {
      result = errorResult((err as Error)?.message ?? String(err));
    } finally {
      this.running.delete(id);
    }
    // A cancelled call gets no answer (MCP: the client has stopped waiting for it).
    if (!controller.signal.aborted) this.send({ jsonrpc: '2.0', id, result });
  }

  private send(message: object): void {
    if (this.closed) return;
    this.output?.write(`${JSON.stringify(message)}\n`);
  }
}
