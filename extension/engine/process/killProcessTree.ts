import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * The pids of `root`'s descendants (Linux /proc), parents before children; empty elsewhere. Finding
 * them reads every process's stat, so a root that is gone is not searched: its children were handed
 * to init when it died, and no process names it as parent any more. That is the usual case (a command
 * killed after its exit, for what it left in its group), and a busy desktop has many hundreds of processes.
 */
export function descendants(root: number): number[] {
  if (!existsSync(`/proc/${root}`)) return [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/**
 * The one way Loom ends a subprocess and everything it started: its process group (every child
 * Loom spawns leads its own group) and, on Linux, every descendant that left the group (setsid).
 * A sandboxed process needs nothing more: bubblewrap's PID namespace dies with it.
 */
export function killProcessTree(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  const below = signal === 'SIGKILL' ? descendants(pid) : [];
  try {
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {
    // the group is gone; the leader alone may remain
    try {
      process.kill(pid, signal);
    } catch {
      // gone too
    }
  }
  for (const child of below) {
    try {
      process.kill(child, signal);
    } catch {
      // already gone
    }
  }
}
