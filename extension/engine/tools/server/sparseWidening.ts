import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { bringIn, hiddenContents, hiddenFiles, type HiddenFile } from '../../workspace/sparseFiles';
import { isSparseWorktree } from '../../workspace/sparseScope';

/**
 * A sparse lease widens from inside the agent's sandbox, before a tool answers: the tool server
 * brings a file the lease left out into the worktree when the agent reads it, shows left-out files
 * in listings, searches them from the object store, and brings in the whole commit before the
 * agent's first command (a test run may need any file). Nothing of the shared repository is written
 * (the sandbox mounts it read-only): git clears a present file's skip-worktree bit at the host's next
 * checkpoint. In a full checkout every method is a no-op after one `access` call.
 */
export class SparseWidening {
  private sparse: Promise<boolean> | undefined;
  private whole: Promise<void> | undefined;

  constructor(private readonly root: string) {}

  isSparse(): Promise<boolean> {
    this.sparse ??= isSparseWorktree(this.root).catch(() => false);
    return this.sparse;
  }

  /** Brings `relative` in when it is a file of the commit the lease left out; true when it did. */
  async bringInFile(relative: string): Promise<boolean> {
    if (relative === '' || !(await this.isSparse())) return false;
    const hidden = (await hiddenFiles(this.root, relative)).filter((f) => f.path === relative);
    if (hidden.length === 0) return false;
    await bringIn(this.root, [relative]);
    return true;
  }

  /** Left-out files under `relativeDir` ('' for all) that are not in the worktree. */
  async hiddenUnder(relativeDir: string): Promise<HiddenFile[]> {
    if (!(await this.isSparse())) return [];
    const files = await hiddenFiles(this.root, relativeDir);
    const absent: HiddenFile[] = [];
    for (const f of files) {
      const there = await fs.lstat(path.join(this.root, f.path)).then(() => true, () => false);
      if (!there) absent.push(f);
    }
    return absent;
  }

  /** Whether `relativeDir` holds left-out files (a folder the lease did not check out at all). */
  async isHiddenDir(relativeDir: string): Promise<boolean> {
    return relativeDir !== '' && (await this.hiddenUnder(relativeDir)).length > 0;
  }

  /** The contents of left-out files, read from the object store without writing them. */
  contents(files: readonly HiddenFile[], maxBytes: number): AsyncGenerator<{ path: string; buffer: Buffer }> {
    return hiddenContents(this.root, files, maxBytes);
  }

  /** Every left-out file brought in, once (before the agent's first command). */
  bringInAll(): Promise<void> {
    this.whole ??= (async () => {
      const files = await this.hiddenUnder('');
      if (files.length) await bringIn(this.root, files.map((f) => f.path));
    })();
    this.whole.catch(() => (this.whole = undefined));
    return this.whole;
  }
}
