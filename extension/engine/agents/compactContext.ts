import type { ChatMessage } from '../../protocol/chat';
import { estimateTokens } from './tokenBudget';
import { stale } from './elideToolResults';
import { indexToolResults } from './toolResultIndex';

/** Messages at the start that are never compacted: the system prompt and the spec + task. */
export const PINNED = 2;
/** The most recent messages stay whole: the model needs its latest results verbatim. */
const KEEP_RECENT = 6;
const KEPT_CHARS = 300;

/**
 * Failure mode 6, context exhaustion: when the conversation passes `fraction` of the model's window,
 * older tool results are cut to a short head with a note until it is under `target` — stale ones
 * first (an earlier read of a file read or written again, old command logs), oldest first, then the
 * latest reads of files. Cutting well below the trigger leaves room for the next turns, so compaction
 * (which changes the prompt's prefix, and so misses the provider's cache) happens rarely, not on every
 * turn. The spec and the task stay pinned, and so do the latest turns. Returns how many results were
 * cut (0 when nothing had to be).
 */
export function compactContext(messages: ChatMessage[], windowTokens: number, fraction = 0.8, target = 0.6): number {
  const size = (): number => estimateTokens(JSON.stringify(messages));
  if (size() <= windowTokens * fraction) return 0;
  const fits = (): boolean => size() <= windowTokens * Math.min(target, fraction);
  const results = indexToolResults(messages).filter((r) => r.index >= PINNED && r.index < messages.length - KEEP_RECENT);
  let cut = 0;
  for (const candidates of [results.filter(stale), results.filter((r) => !stale(r))]) {
    for (const { index } of candidates) {
      if (fits()) return cut;
      const m = messages[index];
      if (m.role !== 'tool' || m.content.length <= KEPT_CHARS + 100) continue;
      messages[index] = {
        ...m,
        content: `${m.content.slice(0, KEPT_CHARS)}\n[… ${m.content.length - KEPT_CHARS} more characters elided to fit the context window; call the tool again if you need them]`,
      };
      cut++;
    }
  }
  return cut;
}
