import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Disposable } from '../../base/disposable';

/** The live process that owns a run: its pid and a heartbeat, so a dead run is seen as interrupted, not running. */
export interface RunOwnerRecord {
  pid: number;
  startedAt: number;
  heartbeatAt: number;
}

const HEARTBEAT_MS = 5_000;
/** A heartbeat older than this means the owner is gone, even if its pid was reused. */
export const STALE_AFTER_MS = 30_000;

export function ownerFile(runDir: string): string {
  return join(runDir, 'owner.json');
}

/** Held while a process runs a run: writes the owner file and refreshes its heartbeat; disposing removes it. */
export class RunOwnerLease implements Disposable {
  private readonly timer: NodeJS.Timeout;
  private readonly record: RunOwnerRecord;

  constructor(private readonly runDir: string, now: () => number = Date.now) {
    this.record = { pid: process.pid, startedAt: now(), heartbeatAt: now() };
    this.write();
    this.timer = setInterval(() => {
      this.record.heartbeatAt = now();
      this.write();
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  private write(): void {
    try {
      writeFileSync(ownerFile(this.runDir), JSON.stringify(this.record));
    } catch {
      // The run folder went away (loom clean): nothing to own any more.
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    rmSync(ownerFile(this.runDir), { force: true });
  }
}

export type RunLiveness = { state: 'finished' } | { state: 'live'; pid: number } | { state: 'interrupted'; pid: number | null };

/**
 * Whether a run whose journal has no end is still running: its owner process is alive and its
 * heartbeat fresh. Otherwise it is interrupted (the process died or was killed) and can be resumed.
 */
export function runLiveness(runDir: string, finished: boolean, now: number = Date.now()): RunLiveness {
  if (finished) return { state: 'finished' };
  let owner: RunOwnerRecord;
  try {
    owner = JSON.parse(readFileSync(ownerFile(runDir), 'utf8')) as RunOwnerRecord;
  } catch {
    return { state: 'interrupted', pid: null };
  }
  if (!isAlive(owner.pid) || now - owner.heartbeatAt > STALE_AFTER_MS) return { state: 'interrupted', pid: owner.pid };
  return { state: 'live', pid: owner.pid };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
