import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventBody, RunEvent } from '../../protocol/events';
import { Emitter } from '../../base/emitter';
import { redactSecrets } from './redact';

/**
 * The run's journal: append-only JSONL with exactly one writer (the coordinator).
 * Each event is written with a synchronous write, so a crash loses at most the line being written.
 */
export class JournalWriter {
  private fd: number | null;
  private seq: number;
  private readonly onDidAppendEmitter = new Emitter<RunEvent>();
  readonly onDidAppend = this.onDidAppendEmitter.event;

  constructor(
    readonly path: string,
    private readonly options: { secrets?: readonly string[]; nextSeq?: number; now?: () => number; fsync?: boolean } = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.seq = options.nextSeq ?? 0;
  }

  append(body: EventBody): RunEvent {
    if (this.fd === null) throw new Error(`journal ${this.path} is closed`);
    const event = { seq: this.seq++, ts: (this.options.now ?? Date.now)(), ...body } as RunEvent;
    const line = redactSecrets(JSON.stringify(event), this.options.secrets ?? []) + '\n';
    writeSync(this.fd, line);
    if (this.options.fsync) fsyncSync(this.fd);
    this.onDidAppendEmitter.fire(event);
    return event;
  }

  dispose(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    this.onDidAppendEmitter.dispose();
  }
}
