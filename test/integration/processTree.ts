// Child processes from /proc (Linux): what a Loom run leaves behind in the extension host.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly command: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      // gone meanwhile
    }
    if (!command) command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    return { pid, ppid, command };
  } catch {
    return undefined; // exited between readdir and read
  }
}

/** Every live descendant of `root` (children, their children…); zombies included, as they are still unreaped children. */
export function descendants(root: number): ProcessInfo[] {
  const all: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcess(Number(name));
    if (info) all.push(info);
  }
  const byParent = new Map<number, ProcessInfo[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

export function describeProcesses(list: readonly ProcessInfo[]): string {
  return list.map((p) => `${p.pid} (parent ${p.ppid}): ${p.command.slice(0, 160)}`).join('\n');
}

/**
 * VS Code's own helpers the extension host starts on demand (the JSON language server of the built-in
 * json-language-features extension, for example, once a JSON file is touched): not Loom's processes.
 */
export function isVsCodeHelper(p: ProcessInfo): boolean {
  return /\/lib\/vscode\/(extensions|out)\//.test(p.command);
}

/** OS threads of this process (worker threads add theirs): a rough sign that agents' workers are gone. */
export function threadCount(pid: number = process.pid): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return -1;
  }
}
