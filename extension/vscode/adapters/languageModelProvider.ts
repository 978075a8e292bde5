import * as vscode from 'vscode';
import type { ToolCall } from '../../protocol/chat';
import { ModelError, type ChatRequest, type ChatResponse, type ModelProvider } from '../../engine/models/modelProvider';
import { toLmMessages, type LmMessage } from './lmMessages';

/**
 * VS Code's Language Model API as a ModelProvider. It lives in the extension host; agents in worker
 * threads reach it through the coordinator's relay (RunOptions.hostModel with endpoint.relay).
 */
export class LanguageModelProvider implements ModelProvider {
  readonly model: string;

  constructor(private readonly chatModel: vscode.LanguageModelChat) {
    this.model = chatModel.id;
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const messages = toLmMessages(request.messages).map(toVscodeMessage);
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.chatModel.sendRequest(
        messages,
        {
          justification: 'Loom runs coding agents on your spec.',
          tools: request.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.parameters })),
        },
        cancel.token,
      );
      let content = '';
      const toolCalls: ToolCall[] = [];
      for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart) content += part.value;
        else if (part instanceof vscode.LanguageModelToolCallPart) toolCalls.push({ id: part.callId, name: part.name, arguments: JSON.stringify(part.input) });
      }
      const inputTokens = await this.countTokens(messages, cancel.token);
      const outputTokens = await this.chatModel.countTokens(content + toolCalls.map((c) => c.arguments).join(''), cancel.token);
      return {
        content: content || null,
        toolCalls,
        finishReason: toolCalls.length ? 'tool_calls' : 'stop',
        usage: { inputTokens, outputTokens },
        model: this.model,
      };
    } catch (err) {
      throw toModelError(err, request.signal?.aborted ?? false);
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }

  private async countTokens(messages: vscode.LanguageModelChatMessage[], token: vscode.CancellationToken): Promise<number> {
    let total = 0;
    for (const m of messages) total += await this.chatModel.countTokens(m, token);
    return total;
  }
}

function toVscodeMessage(m: LmMessage): vscode.LanguageModelChatMessage {
  if (m.role === 'assistant') {
    return vscode.LanguageModelChatMessage.Assistant(
      m.parts.map((p) => (p.kind === 'toolCall' ? new vscode.LanguageModelToolCallPart(p.callId, p.name, p.input) : new vscode.LanguageModelTextPart(p.kind === 'text' ? p.text : ''))),
    );
  }
  return vscode.LanguageModelChatMessage.User(
    m.parts.map((p) =>
      p.kind === 'toolResult' ? new vscode.LanguageModelToolResultPart(p.callId, [new vscode.LanguageModelTextPart(p.text)]) : new vscode.LanguageModelTextPart(p.kind === 'text' ? p.text : ''),
    ),
  );
}

function toModelError(err: unknown, aborted: boolean): ModelError {
  if (err instanceof ModelError) return err;
  if (aborted || err instanceof vscode.CancellationError) return new ModelError('cancelled', 'cancelled', false);
  if (err instanceof vscode.LanguageModelError) {
    // NoPermissions: the user declined; Blocked: quota or policy; NotFound: the model went away.
    const kind = err.code === 'Blocked' ? 'rateLimited' : err.code === 'NoPermissions' ? 'auth' : 'badRequest';
    return new ModelError(kind, `Language Model API: ${err.message} (${err.code})`, err.code === 'Blocked');
  }
  return new ModelError('server', `Language Model API: ${(err as Error)?.message ?? String(err)}`, true);
}
