import { runGit } from './git';

/**
 * Sparse leases, the agent's half: files of the commit that a sparse lease did not check out (their
 * index entries carry git's skip-worktree bit), found and brought in from inside the agent's sandbox.
 *
 * Everything here only reads the shared repository (which the sandbox mounts read-only): `ls-files`
 * and `cat-file` read the index and objects; `checkout-index --ignore-skip-worktree-bits` writes only
 * files into the worktree, never the index. git clears the bit of a file present in the worktree at
 * the next index update on the host (a checkpoint's `add -A --sparse`), so a file brought in and
 * edited is committed like any other, and one never brought in is left as it is in the commit.
 */
export interface HiddenFile {
  /** Relative to the worktree root, POSIX separators. */
  path: string;
  mode: string;
  oid: string;
}

const BATCH = 400;

/** The skip-worktree entries under `dir` (a path relative to the worktree root; '' for all). */
export async function hiddenFiles(root: string, dir = ''): Promise<HiddenFile[]> {
  const args = ['--literal-pathspecs', 'ls-files', '-s', '-t', '-z'];
  if (dir !== '') args.push('--', dir);
  const out = await runGit(root, args);
  const files: HiddenFile[] = [];
  for (const line of out.stdout.split('\0')) {
    if (!line.startsWith('S ')) continue;
    const tab = line.indexOf('\t');
    const [, mode, oid] = line.slice(0, tab).split(' ');
    const p = line.slice(tab + 1);
    files.push({ path: p, mode, oid });
  }
  return files;
}

/** Whether `relative` is a file of the commit the lease left out. */
export async function isHiddenFile(root: string, relative: string): Promise<boolean> {
  return (await hiddenFiles(root, relative)).some((f) => f.path === relative);
}

/** Writes these skip-worktree entries into the worktree (never over a file that is there). Returns how many were asked. */
export async function bringIn(root: string, paths: readonly string[]): Promise<number> {
  for (let i = 0; i < paths.length; i += 5000) {
    const chunk = paths.slice(i, i + 5000);
    await runGit(root, ['checkout-index', '--ignore-skip-worktree-bits', '-q', '-z', '--stdin'], { input: chunk.join('\0') + '\0' });
  }
  return paths.length;
}

/**
 * The contents of skip-worktree files, without writing them (for a search over the whole commit):
 * `cat-file --batch` in chunks, regular files up to `maxBytes` only.
 */
export async function* hiddenContents(root: string, files: readonly HiddenFile[], maxBytes: number): AsyncGenerator<{ path: string; buffer: Buffer }> {
  const regular = files.filter((f) => f.mode === '100644' || f.mode === '100755');
  for (let i = 0; i < regular.length; i += BATCH) {
    const chunk = regular.slice(i, i + BATCH);
    const sizes = (await runGit(root, ['cat-file', '--batch-check=%(objectsize)'], { input: chunk.map((f) => f.oid).join('\n') + '\n' })).stdout.split('\n');
    const wanted = chunk.filter((_, j) => Number(sizes[j]) <= maxBytes);
    if (wanted.length === 0) continue;
    const { stdoutBuffer } = await runGit(root, ['cat-file', '--batch'], { input: wanted.map((f) => f.oid).join('\n') + '\n' });
    let at = 0;
    for (const file of wanted) {
      const headerEnd = stdoutBuffer.indexOf(0x0a, at);
      const size = Number(stdoutBuffer.subarray(at, headerEnd).toString('latin1').split(' ')[2]);
      const start = headerEnd + 1;
      yield { path: file.path, buffer: stdoutBuffer.subarray(start, start + size) };
      at = start + size + 1;
    }
  }
}
