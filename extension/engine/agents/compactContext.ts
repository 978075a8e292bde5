import type { ChatMessage } from '../../protocol/chat';
import { estimateTokens } from './tokenBudget';

/** Messages at the start that are never compacted: the system prompt and the spec + task. */
const PINNED = 2;
/** The most recent messages stay whole: the model needs its latest results verbatim. */
const KEEP_RECENT = 6;
const KEPT_CHARS = 300;

/**
 * Failure mode 6, context exhaustion: when the conversation nears the model's window, older tool
 * results are cut to a short head with a note, oldest first, until it fits. The spec and the task stay
 * pinned, and so do the latest turns. Returns how many results were cut (0 when nothing had to be).
 */
export function compactContext(messages: ChatMessage[], windowTokens: number, fraction = 0.8): number {
  const limit = windowTokens * fraction;
  let cut = 0;
  for (let i = PINNED; i < messages.length - KEEP_RECENT && estimateTokens(JSON.stringify(messages)) > limit; i++) {
    const m = messages[i];
    if (m.role !== 'tool' || m.content.length <= KEPT_CHARS + 100) continue;
    messages[i] = {
      ...m,
      content: `${m.content.slice(0, KEPT_CHARS)}\n[… ${m.content.length - KEPT_CHARS} more characters elided to fit the context window; call the tool again if you need them]`,
    };
    cut++;
  }
  return cut;
}
