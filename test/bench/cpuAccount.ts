// CPU time of this process and of everything it starts, including what runs in sandboxes and PID
// namespaces: /proc's children times miss those (a descendant counts only once every process
// between it and us has waited for it), so a cpuacct cgroup of its own (cgroup v1, as root) counts.
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CPUACCT = '/sys/fs/cgroup/cpuacct';

export interface CpuAccount {
  /** CPU time (user + system) of everything in the account since it opened, in ms. */
  usageMs(): number;
  /** Moves this process back to where it was and removes the account. */
  close(): void;
}

/** Moves this process into a cgroup of its own; its children from now on are counted too. Null where that is not allowed. */
export function openCpuAccount(name: string): CpuAccount | null {
  const dir = join(CPUACCT, `${name}-${process.pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'cgroup.procs'), String(process.pid));
  } catch {
    try {
      rmdirSync(dir);
    } catch {
      // never made
    }
    return null;
  }
  const usageNs = () => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8').trim());
  const start = usageNs();
  return {
    usageMs: () => (usageNs() - start) / 1e6,
    close: () => {
      writeFileSync(join(CPUACCT, 'cgroup.procs'), String(process.pid));
      try {
        rmdirSync(dir);
      } catch {
        // a process of the run still in it (it ends soon): the folder stays, empty of us
      }
    },
  };
}
