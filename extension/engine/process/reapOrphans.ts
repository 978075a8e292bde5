import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null; // exited meanwhile
  }
}

/**
 * For a process that is the main process of a sandbox's PID namespace (its parent is the
 * namespace's init, pid 1): kills every other child of init, i.e. everything a finished command
 * left behind by detaching (a double fork re-parents it to init). Returns how many it killed.
 */
export function reapOrphans(self: number = process.pid): number {
  let killed = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === self || name === '1') continue;
    if (parentOf(name) !== 1) continue;
    try {
      process.kill(Number(name), 'SIGKILL');
      killed++;
    } catch {
      // gone
    }
  }
  return killed;
}

/** True inside a sandbox's PID namespace, where this process was started directly by its init. */
export function isNamespaceMain(): boolean {
  return process.ppid === 1;
}
