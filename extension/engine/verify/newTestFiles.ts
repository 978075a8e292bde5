import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * An acceptance test file that is new on the branch has no copy on the start commit, so running
 * it there fails only because it is missing — which proves nothing. Like SWE-bench's test patch,
 * the branch's version is put into the start-commit checkout, so the base run shows whether the
 * test fails without the change. Returns the files copied (literal paths only, never globs).
 */
export async function copyNewTestFiles(testFiles: readonly string[], branchDir: string, baseDir: string): Promise<string[]> {
  const copied: string[] = [];
  for (const file of testFiles) {
    if (/[*?[\]{}]/.test(file) || path.isAbsolute(file) || file.split(/[\\/]/).includes('..')) continue;
    const target = path.join(baseDir, file);
    const exists = await fs.lstat(target).then(() => true, () => false);
    if (exists) continue;
    const source = path.join(branchDir, file);
    const stat = await fs.lstat(source).catch(() => null);
    if (!stat?.isFile()) continue; // a symlink or a folder is never followed out of the checkout
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(source, target);
    copied.push(file);
  }
  return copied;
}
