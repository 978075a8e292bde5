import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { RunEventSchema, type RunEvent } from '../../protocol/events';

/**
 * The journal's line format (see docs/journal.md): one JSON object per line, the event itself with
 * its `seq` and `ts`, and last a `"crc"` field, the CRC-32 (8 hex digits) of the UTF-8 bytes of the
 * line as it would be without that field:
 *
 *   {"seq":7,"ts":1718000000000,"type":"task/didStart","taskId":"t1","attempt":1,"crc":"1bcf84a1"}
 *
 * checks `{"seq":7,…,"attempt":1}`. Lines written before checksums existed have no `crc` and are
 * read as they are.
 */
const CRC_FIELD = /,"crc":"([0-9a-f]{8})"\}$/;

export function crcOf(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

/** The line written for an event serialized as `json` (an object's JSON, so it ends with `}`). */
export function journalLine(json: string): string {
  return `${json.slice(0, -1)},"crc":"${crcOf(json)}"}\n`;
}

/**
 * A line the reader skipped. `torn`: a record cut off mid-write (a crash), at the end or sealed by a
 * later writer; `corrupt`: not a valid record (not JSON, a checksum or schema mismatch, or the
 * sequence number of an earlier record with other content); `duplicate`: the same record again.
 */
export interface JournalProblem {
  /** 1-based. */
  line: number;
  kind: 'torn' | 'corrupt' | 'duplicate';
  detail: string;
}

export interface JournalReadResult {
  /** Every whole, valid record, each once, in file order. */
  events: RunEvent[];
  problems: JournalProblem[];
}

type Parsed = { ok: true; event: RunEvent; crc: string | null } | { ok: false; kind: 'torn' | 'corrupt'; detail: string };

/** Never throws for damaged lines: it keeps every whole record and reports the rest as problems. */
export function readJournal(path: string): JournalReadResult {
  const content = readFileSync(path, 'utf8');
  const lines = content.split('\n');
  const endsWithNewline = content.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const events: RunEvent[] = [];
  const problems: JournalProblem[] = [];
  // seq -> the checksum (or, for a line without one, its text) and the line of the record kept for it.
  const seen = new Map<number, { identity: string; line: number }>();
  lines.forEach((text, index) => {
    if (text.trim() === '') return;
    const line = index + 1;
    let record = text;
    let parsed = parseLine(text);
    if (!parsed.ok) {
      // A writer that did not seal appended a whole record right after a torn one: keep that record.
      const start = text.lastIndexOf('{"seq":');
      const rest = start > 0 ? parseLine(text.slice(start)) : null;
      if (rest?.ok) {
        problems.push({ line, kind: 'torn', detail: `a record cut off after ${start} bytes, followed on the same line by a whole record, which is kept` });
        record = text.slice(start);
        parsed = rest;
      } else {
        const unterminated = index === lines.length - 1 && !endsWithNewline;
        problems.push(unterminated || parsed.kind === 'torn' ? { line, kind: 'torn', detail: `a record cut off after ${text.length} bytes (a crash mid-write)` } : { line, kind: 'corrupt', detail: parsed.detail });
        return;
      }
    }
    const { event } = parsed;
    const identity = parsed.crc ?? record;
    const earlier = seen.get(event.seq);
    if (earlier) {
      problems.push(
        earlier.identity === identity
          ? { line, kind: 'duplicate', detail: `a copy of line ${earlier.line} (seq ${event.seq})` }
          : { line, kind: 'corrupt', detail: `seq ${event.seq} is already line ${earlier.line}, with other content` },
      );
      return;
    }
    seen.set(event.seq, { identity, line });
    events.push(event);
  });
  return { events, problems };
}

function parseLine(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // A prefix of a record: it starts as every record does and never closed its object.
    const cutOff = text.startsWith('{"seq":') && !text.trimEnd().endsWith('}');
    return { ok: false, kind: cutOff ? 'torn' : 'corrupt', detail: `not JSON (${(err as Error).message})` };
  }
  let crc: string | null = null;
  if (value !== null && typeof value === 'object' && 'crc' in value) {
    const match = CRC_FIELD.exec(text);
    if (!match) return { ok: false, kind: 'corrupt', detail: 'the "crc" field is not the last field of 8 hex digits' };
    crc = match[1];
    const actual = crcOf(`${text.slice(0, match.index)}}`);
    if (actual !== crc) return { ok: false, kind: 'corrupt', detail: `checksum mismatch (line says ${crc}, content has ${actual})` };
  }
  const result = RunEventSchema.safeParse(value);
  if (!result.success) return { ok: false, kind: 'corrupt', detail: `not a valid event (${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})` };
  return { ok: true, event: result.data as RunEvent, crc };
}

/**
 * What a person reads about skipped lines: a warning line, then one line per problem (at most
 * `limit`). Empty when the journal is whole.
 */
export function formatJournalProblems(path: string, problems: readonly JournalProblem[], limit = 10): string[] {
  if (problems.length === 0) return [];
  const counts = (['torn', 'corrupt', 'duplicate'] as const).map((kind) => [kind, problems.filter((p) => p.kind === kind).length] as const).filter(([, n]) => n > 0);
  const lines = [
    `Warning: ${problems.length} line${problems.length === 1 ? '' : 's'} of the journal ${path} ${problems.length === 1 ? 'was' : 'were'} skipped (${counts.map(([kind, n]) => `${n} ${kind}`).join(', ')}); the report folds every whole record:`,
  ];
  for (const p of problems.slice(0, limit)) lines.push(`  line ${p.line}: ${p.kind}: ${p.detail}`);
  if (problems.length > limit) lines.push(`  … and ${problems.length - limit} more`);
  return lines;
}
