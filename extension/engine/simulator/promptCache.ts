import { requestChars } from './completionChunks';

export interface PromptCacheRules {
  /** Below this many matching tokens nothing is reported cached. */
  minTokens: number;
  /** Cached tokens come in whole blocks of this many. */
  blockTokens: number;
}

/** One message of a request: everything but its text (role, ids, tool calls) and its text. */
interface Segment {
  frame: string;
  text: string | null;
  chars: number;
}

interface CachedRequest {
  tools: string;
  segments: Segment[];
}

/** Requests remembered per agent; a provider keeps a cache entry for minutes, an agent's last few turns are what matter. */
const KEPT_PER_AGENT = 16;

/**
 * The simulator's prompt cache, as a provider's: a request's cached tokens are the longest prefix it
 * shares with an earlier request of the same agent, tools first and then the messages in order, cut
 * at the first character that differs (a changed early message is a miss for everything after it).
 * Counted like the prompt's own tokens (message text and tool call arguments, four characters a token).
 */
export class PromptCache {
  private readonly byAgent = new Map<string, CachedRequest[]>();

  constructor(private readonly rules: PromptCacheRules) {}

  /** The cached tokens of this request; then remembers it for the agent's next requests. */
  lookup(agentId: string, payload: { messages: unknown[]; tools?: unknown }): number {
    const request: CachedRequest = { tools: JSON.stringify(payload.tools ?? null), segments: payload.messages.map(segmentOf) };
    const earlier = this.byAgent.get(agentId) ?? [];
    let chars = 0;
    for (const previous of earlier) chars = Math.max(chars, sharedChars(previous, request));
    earlier.push(request);
    if (earlier.length > KEPT_PER_AGENT) earlier.shift();
    this.byAgent.set(agentId, earlier);
    const tokens = Math.floor(chars / 4);
    if (tokens < this.rules.minTokens) return 0;
    return tokens - (tokens % this.rules.blockTokens);
  }
}

function segmentOf(message: unknown): Segment {
  const m = (typeof message === 'object' && message !== null ? message : {}) as Record<string, unknown>;
  const { content, ...frame } = m;
  return { frame: JSON.stringify(frame), text: typeof content === 'string' ? content : JSON.stringify(content ?? null), chars: requestChars([m]) };
}

/** Prompt characters `b` shares with `a` from the start. */
function sharedChars(a: CachedRequest, b: CachedRequest): number {
  if (a.tools !== b.tools) return 0;
  let chars = 0;
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    if (x.frame === y.frame && x.text === y.text) {
      chars += y.chars;
      continue;
    }
    // The first difference: a provider still reads the common start of this message's text from its cache.
    if (x.frame === y.frame && x.text !== null && y.text !== null) chars += commonPrefixLength(x.text, y.text);
    break;
  }
  return chars;
}

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
