import { mergeBase, runGit } from '../workspace/git';
import type { ConflictFile } from './mergeTree';

/** One conflicted file as an escalation shows it (the `files` of `escalation/didOpen`). */
export interface ConflictFileContent {
  path: string;
  kind: string;
  /** Text at the merge base, or null when the path is not a file there (absent, a folder, no common base). */
  base: string | null;
  ours: string | null;
  theirs: string | null;
  /** True when some side is binary; its text is then null. */
  binary: boolean;
  /** True when some side was cut at maxBytes. */
  truncated: boolean;
}

export interface ConflictContentOptions {
  /** Per side, in bytes. Default 256 KiB. */
  maxBytes?: number;
}

/**
 * The base, ours and theirs text of each conflicted file of a pair, for an escalation. The base is
 * `git merge-base ours theirs` (the first, when there are several).
 */
export async function conflictContent(
  repoDir: string,
  ours: string,
  theirs: string,
  files: readonly ConflictFile[],
  options: ConflictContentOptions = {},
): Promise<ConflictFileContent[]> {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const base = await mergeBase(repoDir, ours, theirs);
  const out: ConflictFileContent[] = [];
  for (const file of files) {
    const sides = await Promise.all([base, ours, theirs].map((commit) => (commit ? blobText(repoDir, commit, file.path, maxBytes) : Promise.resolve(ABSENT))));
    out.push({
      path: file.path,
      kind: file.kind,
      base: sides[0].text,
      ours: sides[1].text,
      theirs: sides[2].text,
      binary: sides.some((s) => s.binary),
      truncated: sides.some((s) => s.truncated),
    });
  }
  return out;
}

interface Side {
  text: string | null;
  binary: boolean;
  truncated: boolean;
}

const ABSENT: Side = { text: null, binary: false, truncated: false };

/** A file's text at a commit; null when the path is absent there or is not a blob. */
export async function blobText(repoDir: string, commit: string, filePath: string, maxBytes = Infinity): Promise<Side> {
  const spec = `${commit}:${filePath}`;
  const type = await runGit(repoDir, ['cat-file', '-t', spec], { okExitCodes: [0, 128] });
  if (type.exitCode !== 0 || type.stdout.trim() !== 'blob') return ABSENT;
  const { stdoutBuffer } = await runGit(repoDir, ['cat-file', 'blob', spec]);
  if (stdoutBuffer.subarray(0, 8000).includes(0)) return { text: null, binary: true, truncated: false };
  if (stdoutBuffer.length <= maxBytes) return { text: stdoutBuffer.toString('utf8'), binary: false, truncated: false };
  let cut = maxBytes;
  while (cut > 0 && (stdoutBuffer[cut] & 0xc0) === 0x80) cut--;
  return { text: stdoutBuffer.subarray(0, cut).toString('utf8'), binary: false, truncated: true };
}
