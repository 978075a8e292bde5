import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventBody, RunEvent } from '../../protocol/events';
import { Emitter } from '../../base/emitter';
import { SecretRedactor } from '../policy/secretRedaction';

/**
 * The run's journal: append-only JSONL with exactly one writer (the coordinator).
 * Each event is written with a synchronous write, so a crash loses at most the line being written.
 * Every event is redacted first (known secrets, the process's secret variables, key formats,
 * secret `.env` lines), and the redacted event is what listeners get and `append` returns.
 */
export class JournalWriter {
  private fd: number | null;
  private seq: number;
  private readonly onDidAppendEmitter = new Emitter<RunEvent>();
  private readonly redactor: SecretRedactor;
  readonly onDidAppend = this.onDidAppendEmitter.event;

  constructor(
    readonly path: string,
    private readonly options: { secrets?: readonly string[]; redactor?: SecretRedactor; nextSeq?: number; now?: () => number; fsync?: boolean } = {},
  ) {
    this.redactor = options.redactor ?? new SecretRedactor({ secrets: options.secrets });
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.seq = options.nextSeq ?? 0;
  }

  append(body: EventBody): RunEvent {
    if (this.fd === null) throw new Error(`journal ${this.path} is closed`);
    const event = this.redactor.redactDeep({ seq: this.seq++, ts: (this.options.now ?? Date.now)(), ...body } as RunEvent);
    const line = JSON.stringify(event) + '\n';
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
