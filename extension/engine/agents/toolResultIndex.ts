import type { ChatMessage } from '../../protocol/chat';

/** What a tool result in a conversation is: which call made it, in which turn, and whether a later call made it stale. */
export interface ToolResultInfo {
  /** Index of the tool message in the conversation. */
  index: number;
  /** The tool's name, '' when no assistant call matches the result. */
  tool: string;
  /** The file a read_file or write_file call named, if any. */
  path: string | null;
  /** The assistant turn that made the call: 1 for the first assistant message of the conversation. */
  turn: number;
  /** A later read or write of the same file exists: this result is no longer the file's latest content. */
  superseded: boolean;
}

const FILE_TOOLS = new Set(['read_file', 'write_file']);

/** Every tool result of a conversation, in order. The one reading of "which turn" and "which file" for elision and compaction. */
export function indexToolResults(messages: readonly ChatMessage[]): ToolResultInfo[] {
  const calls = new Map<string, { tool: string; path: string | null; turn: number }>();
  const results: ToolResultInfo[] = [];
  let turn = 0;
  messages.forEach((m, index) => {
    if (m.role === 'assistant') {
      turn++;
      for (const call of m.toolCalls) calls.set(call.id, { tool: call.name, path: FILE_TOOLS.has(call.name) ? pathArgument(call.arguments) : null, turn });
    } else if (m.role === 'tool') {
      const call = calls.get(m.toolCallId);
      results.push({ index, tool: call?.tool ?? '', path: call?.path ?? null, turn: call?.turn ?? turn, superseded: false });
    }
  });
  // A file's latest content is in its last read or write; every earlier result for that file is stale.
  const seen = new Set<string>();
  for (let i = results.length - 1; i >= 0; i--) {
    const path = results[i].path;
    if (path === null) continue;
    if (seen.has(path)) results[i].superseded = true;
    seen.add(path);
  }
  return results;
}

/** How many assistant turns the conversation has. */
export function assistantTurns(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + (m.role === 'assistant' ? 1 : 0), 0);
}

function pathArgument(args: string): string | null {
  try {
    const parsed: unknown = JSON.parse(args);
    const path = typeof parsed === 'object' && parsed !== null ? (parsed as { path?: unknown }).path : undefined;
    return typeof path === 'string' ? path.replace(/^\.\//, '') : null;
  } catch {
    return null;
  }
}
