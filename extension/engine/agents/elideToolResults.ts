import type { ChatMessage } from '../../protocol/chat';
import { assistantTurns, indexToolResults, type ToolResultInfo } from './toolResultIndex';

/** The options of RunOptions.elision and ImplementJob.elision (protocol/workerMessages.ts ElisionSchema). */
export interface ElisionOptions {
  /** Tool results of the last this-many turns always stay whole. */
  keepTurns: number;
  /**
   * The elision boundary moves in steps of this many turns, so the prompt's prefix (what a
   * provider's cache can reuse) changes once a block, not on every turn.
   */
  blockTurns: number;
  /** Results shorter than this stay whole: a stub would save nothing. */
  minChars: number;
}

/**
 * Measured on a 30-turn task (test/bench/promptTokens.bench.ts): 0.46× the input tokens of resending
 * everything, 70% of them cached. Smaller blocks save more tokens but miss the cache more often
 * (every turn: 0.35×, 36% cached); larger ones keep the cache but save less (8 turns: 0.55×, 79%).
 */
export const DEFAULT_ELISION: ElisionOptions = { keepTurns: 2, blockTurns: 4, minChars: 600 };

/** A stub starts with this; an elided result is never elided again. */
const STUB = '[elided: ';
/** Lines of a test or build log that carry its verdict (node --test, mocha, jest, vitest, pytest, TAP). */
const VERDICT = /^\s*(#\s*(tests|suites|pass|fail|cancelled|skipped|todo)\b|\d+ (passing|failing|pending)\b|Tests?:|Test (Suites|Files):|not ok\b|=+ .*\b(passed|failed)\b|\d+ (passed|failed)\b|error\b|Error:|[✖✗×] )/i;
const MAX_VERDICT_LINES = 12;

/**
 * Failure mode 6 before the window fills, and the prompt's size on every turn: tool results older
 * than the last `keepTurns` turns are replaced by a one-line stub, every `blockTurns` turns. Kept whole: the spec and the task
 * (the pinned prefix, which holds no tool result), the latest content of each file (its last read, unless a
 * later write replaced it), and of a command its command line, exit status and verdict lines.
 * Elides in place; returns how many results it replaced and how many characters that saved.
 */
export function elideToolResults(messages: ChatMessage[], options: ElisionOptions = DEFAULT_ELISION): { elided: number; savedChars: number } {
  const turns = assistantTurns(messages);
  // The boundary moves a whole block at a time, and results are judged only when it moves: between
  // two moves nothing old changes (not even a read that a newer read made stale), so the prefix holds.
  const boundary = turns - options.keepTurns;
  if (boundary < options.blockTurns || boundary % options.blockTurns !== 0) return { elided: 0, savedChars: 0 };
  let elided = 0;
  let savedChars = 0;
  for (const info of indexToolResults(messages)) {
    if (info.turn > boundary) break;
    const m = messages[info.index];
    if (m.role !== 'tool' || m.content.length < options.minChars || m.content.startsWith(STUB) || !stale(info)) continue;
    const stub = stubFor(info, m.content);
    if (stub.length >= m.content.length) continue;
    savedChars += m.content.length - stub.length;
    messages[info.index] = { ...m, content: stub };
    elided++;
  }
  return { elided, savedChars };
}

/** Whether an old result may go: a file's latest read stays, everything else old may. */
export function stale(info: ToolResultInfo): boolean {
  return info.tool !== 'read_file' || info.superseded;
}

function stubFor(info: ToolResultInfo, content: string): string {
  const lines = content.split('\n');
  const size = `${lines.length} lines`;
  if (info.tool === 'read_file') return `${STUB}read_file ${info.path ?? '?'}, ${size}; a later read or write of it follows]`;
  if (info.tool === 'run_command') return commandStub(lines);
  return `${STUB}${info.tool || 'tool'} result, ${size} — call it again if needed]`;
}

/** A command's log cut to what decides it: `$ argv`, the exit status, and the verdict lines. */
function commandStub(lines: string[]): string {
  const head = lines.slice(0, 2).filter((l) => l.startsWith('$ ') || /^(exit code|timed out|cancelled|killed)/.test(l));
  const verdict = lines.slice(2).filter((l) => VERDICT.test(l));
  const kept = [...head, ...verdict.slice(-MAX_VERDICT_LINES)];
  return [`${STUB}run_command output, ${lines.length} lines, kept ${kept.length} — run it again if needed]`, ...kept].join('\n');
}
