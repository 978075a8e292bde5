import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/** rm -rf that also clears overlayfs's `work/work` folder, which the kernel leaves with mode 000. */
export function removeTree(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    spawnSync('chmod', ['-R', 'u+rwx', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
