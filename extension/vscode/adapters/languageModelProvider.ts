import * as vscode from 'vscode';
import type { ChatMessage, ToolCall } from '../../protocol/chat';
import { estimateUsage } from '../../engine/models/estimateUsage';
import { ModelError, type ChatRequest, type ChatResponse, type ModelProvider } from '../../engine/models/modelProvider';

/**
 * The engine's model port on VS Code's Language Model API. It runs in the extension host (workers
 * reach it through the coordinator's relay). The API reports no usage, so usage is estimated.
 */
export class LanguageModelProvider implements ModelProvider {
  readonly model: string;

  constructor(private readonly chatModel: vscode.LanguageModelChat) {
    this.model = `${chatModel.vendor}/${chatModel.id}`;
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.chatModel.sendRequest(
        toLanguageModelMessages(request.messages),
        {
          justification: 'Loom runs its coding agents (coordinator, implementors, verifier) on this model.',
          tools: request.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.parameters })),
        },
        cancel.token,
      );
      let content = '';
      const toolCalls: ToolCall[] = [];
      for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart) content += part.value;
        else if (part instanceof vscode.LanguageModelToolCallPart) toolCalls.push({ id: part.callId, name: part.name, arguments: JSON.stringify(part.input ?? {}) });
      }
      const text = content === '' ? null : content;
      return {
        content: text,
        toolCalls,
        finishReason: toolCalls.length ? 'tool_calls' : 'stop',
        usage: estimateUsage(request.messages, text, toolCalls),
        model: this.model,
      };
    } catch (err) {
      throw toModelError(err, cancel.token.isCancellationRequested);
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }
}

/** The LM API has user and assistant messages only: system text goes first as a user message. */
export function toLanguageModelMessages(messages: readonly ChatMessage[]): vscode.LanguageModelChatMessage[] {
  const out: vscode.LanguageModelChatMessage[] = [];
  for (const m of messages) {
    switch (m.role) {
      case 'system':
      case 'user':
        out.push(vscode.LanguageModelChatMessage.User(m.content));
        break;
      case 'assistant': {
        const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] = [];
        if (m.content) parts.push(new vscode.LanguageModelTextPart(m.content));
        for (const call of m.toolCalls) parts.push(new vscode.LanguageModelToolCallPart(call.id, call.name, parseArguments(call.arguments)));
        out.push(vscode.LanguageModelChatMessage.Assistant(parts.length ? parts : ''));
        break;
      }
      case 'tool':
        out.push(vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart(m.toolCallId, [new vscode.LanguageModelTextPart(m.content)])]));
        break;
    }
  }
  return out;
}

function parseArguments(text: string): object {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : { value };
  } catch {
    return { raw: text };
  }
}

function toModelError(err: unknown, cancelled: boolean): ModelError {
  if (cancelled) return new ModelError('cancelled', 'the model call was cancelled', false);
  const message = (err as Error)?.message ?? String(err);
  if (err instanceof vscode.LanguageModelError) {
    if (err.code === vscode.LanguageModelError.NoPermissions().code) return new ModelError('auth', `no permission to use this model: ${message}`, false);
    if (err.code === vscode.LanguageModelError.Blocked().code) return new ModelError('rateLimited', `the model blocked the request: ${message}`, true, 10_000);
    if (err.code === vscode.LanguageModelError.NotFound().code) return new ModelError('badRequest', `the model is not available: ${message}`, false);
  }
  return new ModelError('server', message, true);
}
