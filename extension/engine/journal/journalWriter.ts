import { closeSync, fstatSync, fsync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventBody, RunEvent } from '../../protocol/events';
import { Emitter } from '../../base/emitter';
import { SecretRedactor } from '../policy/secretRedaction';
import { journalLine, readJournal } from './journalReader';

export interface JournalWriterOptions {
  secrets?: readonly string[];
  redactor?: SecretRedactor;
  /** The lowest sequence number to use; the writer never reuses one already in the file. */
  nextSeq?: number;
  now?: () => number;
  /** fsync each batch (default true). Off only where losing the last events on a power cut is fine. */
  fsync?: boolean;
}

/**
 * The run's journal: append-only JSONL with exactly one writer (the coordinator), each line an event
 * with its sequence number and a CRC-32 (format: journalReader.ts, docs/journal.md).
 *
 * Group commit: `append` assigns the sequence number, redacts, tells listeners at once and buffers
 * the line; the buffer is written in one batch per tick (setImmediate) and fsynced off the thread,
 * one fsync at a time (the coordinator's thread relays every agent's messages: a synchronous fsync
 * per tick held it about a second per run of 8 tasks). `flush()` writes and fsyncs at once, before
 * it returns: callers use it before they report an external side effect done, and on dispose.
 * `writeNow()` writes at once and fsyncs in the background, for effects that did not wait for the journal.
 * A process crash loses at most the events of the current tick (written lines are the kernel's); a
 * power cut, at most those since the last fsync ended. Nothing outside has relied on either yet.
 *
 * Opening an existing journal seals a torn last line (a newline, so the fragment stays a bad line of
 * its own and the next record is whole) and continues the sequence after the last whole record.
 * Every event is redacted first (known secrets, the process's secret variables, key formats,
 * secret `.env` lines), and the redacted event is what listeners get and `append` returns.
 */
export class JournalWriter {
  private fd: number | null;
  private seq: number;
  private pending: string[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private failure: Error | null = null;
  private readonly fsync: boolean;
  /** A background fsync is running; another is wanted after it (lines were written meanwhile). */
  private syncing = false;
  private syncAgain = false;
  /**
   * Background fsyncs go through a descriptor of their own: Linux reports a writeback error once per
   * open file, so one taken by a background fsync must not leave flush()'s fsync clean.
   */
  private syncFd: number | null = null;
  /** Disposed while a background fsync ran: its end closes its descriptor. */
  private closeWhenSynced = false;
  private readonly onDidAppendEmitter = new Emitter<RunEvent>();
  private readonly redactor: SecretRedactor;
  readonly onDidAppend = this.onDidAppendEmitter.event;

  constructor(
    readonly path: string,
    private readonly options: JournalWriterOptions = {},
  ) {
    this.redactor = options.redactor ?? new SecretRedactor({ secrets: options.secrets });
    this.fsync = options.fsync ?? true;
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a+');
    const size = fstatSync(this.fd).size;
    let next = options.nextSeq ?? 0;
    if (size === 0) {
      if (this.fsync) fsyncDirectory(dirname(path));
    } else {
      this.seal(size);
      for (const event of readJournal(path).events) next = Math.max(next, event.seq + 1);
    }
    this.seq = next;
  }

  append(body: EventBody): RunEvent {
    if (this.fd === null) throw new Error(`journal ${this.path} is closed`);
    if (this.failure) throw this.failure;
    const event = this.redactor.redactDeep({ seq: this.seq++, ts: (this.options.now ?? Date.now)(), ...body } as RunEvent);
    this.pending.push(journalLine(JSON.stringify(event)));
    this.scheduled ??= setImmediate(() => {
      this.scheduled = null;
      try {
        this.write();
        this.syncInBackground();
      } catch {
        // Kept in `failure`: the next append, flush or dispose throws it.
      }
    });
    this.onDidAppendEmitter.fire(event);
    return event;
  }

  /** Writes and fsyncs every buffered event now: once it returns, they survive a crash. */
  flush(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
    }
    this.write();
    if (!this.fsync || this.fd === null) return;
    try {
      fsyncSync(this.fd);
    } catch (err) {
      throw this.fail(err);
    }
    // What a background fsync still wanted is synced now.
    this.syncAgain = false;
  }

  /**
   * Writes every buffered event now and fsyncs them in the background: a process crash keeps them at
   * once, a power cut once that fsync ends. For events whose effect did not wait for the journal anyway.
   */
  writeNow(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
    }
    this.write();
    this.syncInBackground();
  }

  dispose(): void {
    try {
      if (this.fd !== null) this.flush();
    } finally {
      if (this.fd !== null) {
        closeSync(this.fd);
        this.fd = null;
        // A background fsync still holds its descriptor: it closes it when it ends.
        if (this.syncing) this.closeWhenSynced = true;
        else this.closeSyncFd();
      }
      this.onDidAppendEmitter.dispose();
    }
  }

  /** Writes the buffered lines (no fsync). */
  private write(): void {
    if (this.failure) throw this.failure;
    if (this.pending.length === 0 || this.fd === null) return;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    try {
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      throw this.fail(err);
    }
    if (this.fsync) this.syncAgain = true;
  }

  /** One fsync at a time on libuv's pool; lines written while it runs get the next one. */
  private syncInBackground(): void {
    if (this.syncing || !this.syncAgain || this.fd === null) return;
    try {
      this.syncFd ??= openSync(this.path, 'r+');
    } catch (err) {
      this.fail(err);
      return;
    }
    this.syncing = true;
    this.syncAgain = false;
    fsync(this.syncFd, (err) => {
      this.syncing = false;
      if (err) this.fail(err);
      if (this.closeWhenSynced) this.closeSyncFd();
      else if (!err) this.syncInBackground();
    });
  }

  private closeSyncFd(): void {
    if (this.syncFd !== null) closeSync(this.syncFd);
    this.syncFd = null;
    this.closeWhenSynced = false;
  }

  private fail(err: unknown): Error {
    this.failure ??= new Error(`journal ${this.path} could not be written: ${(err as Error).message}`);
    return this.failure;
  }

  /** A last line without its newline is a torn record: end it, so it cannot swallow the next one. */
  private seal(size: number): void {
    const last = Buffer.alloc(1);
    readSync(this.fd!, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
    writeSync(this.fd!, '\n');
    if (this.fsync) fsyncSync(this.fd!);
  }
}

/** A new file's name is durable once its directory is synced (not possible on every platform). */
function fsyncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for syncing; the file's own fsyncs still hold its content.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
