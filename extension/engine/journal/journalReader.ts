import { readFileSync } from 'node:fs';
import { RunEventSchema, type RunEvent } from '../../protocol/events';

export interface JournalReadResult {
  events: RunEvent[];
  /** The last line was cut off (a crash mid-write): it is skipped and reported, not fatal. */
  truncatedTail: string | null;
}

export class JournalCorruptError extends Error {
  constructor(path: string, line: number, detail: string) {
    super(`${path}:${line}: journal line is not a valid event (${detail}). The journal is append-only; restore it from a backup or start a new run.`);
    this.name = 'JournalCorruptError';
  }
}

export function readJournal(path: string): JournalReadResult {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const events: RunEvent[] = [];
  let truncatedTail: string | null = null;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const isLast = index === lines.length - 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      if (isLast && !endsWithNewline) {
        truncatedTail = line;
        return;
      }
      throw new JournalCorruptError(path, index + 1, (err as Error).message);
    }
    const result = RunEventSchema.safeParse(parsed);
    if (!result.success) {
      if (isLast && !endsWithNewline) {
        truncatedTail = line;
        return;
      }
      throw new JournalCorruptError(path, index + 1, result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    events.push(result.data as RunEvent);
  });
  return { events, truncatedTail };
}
