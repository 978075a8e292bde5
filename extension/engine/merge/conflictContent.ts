import { mergeBase, runGit } from '../workspace/git';
import { mergeTree, type ConflictFile, type ConflictStage } from './mergeTree';

/** The object git used for one side of a conflicted file. */
export interface SideObject {
  /** '100644', '100755', '120000' (symlink: the text is its target), '160000' (submodule: no text). */
  mode: string;
  oid: string;
}

/** One conflicted file as an escalation shows it (the `files` of `escalation/didOpen`). */
export interface ConflictFileContent {
  path: string;
  kind: string;
  /**
   * Text of the base git used (stage 1: with several merge bases, the virtual base git made by
   * merging them), or null when it has no file there (absent, a folder, a submodule, no common base).
   */
  base: string | null;
  ours: string | null;
  theirs: string | null;
  /** True when some side is binary; its text is then null. */
  binary: boolean;
  /** True when some side was cut at maxBytes. */
  truncated: boolean;
  /** The objects git left at stages 1, 2 and 3 (null where a stage is absent); absent when the text was read by path. */
  sides?: { base: SideObject | null; ours: SideObject | null; theirs: SideObject | null };
}

export interface ConflictContentOptions {
  /** Per side, in bytes. Default 256 KiB. */
  maxBytes?: number;
}

/**
 * The base, ours and theirs text of each conflicted file of a pair, for an escalation, as git itself
 * left them: the pair is merged again in memory (`git merge-tree`) and each side is the object at
 * that file's stage, so a file renamed on one side, a criss-cross merge's virtual base, a symlink or
 * a binary file show what a real `git merge` would put in the index. A file that holds no stage in
 * that merge (a path only a message names, or one that conflicts only with something else) is read
 * by path at `git merge-base ours theirs` (the first, when there are several), ours and theirs.
 */
export async function conflictContent(
  repoDir: string,
  ours: string,
  theirs: string,
  files: readonly ConflictFile[],
  options: ConflictContentOptions = {},
): Promise<ConflictFileContent[]> {
  let stages: ConflictStage[] = [];
  try {
    const merged = await mergeTree(repoDir, ours, theirs);
    if (!merged.clean) stages = merged.stages;
  } catch {
    // git cannot merge them (e.g. unrelated histories): every file is read by path.
  }
  const staged = new Set(stages.map((s) => s.path));
  const fromStages = await stageContent(
    repoDir,
    stages,
    files.filter((f) => staged.has(f.path)),
    options,
  );
  const byPath = new Map(fromStages.map((c) => [c.path, c]));
  const unstaged = files.filter((f) => !staged.has(f.path));
  const fromPaths = unstaged.length > 0 ? await pathContent(repoDir, ours, theirs, unstaged, options) : [];
  const byPathRead = new Map(fromPaths.map((c) => [c.path, c]));
  return files.map((f) => byPath.get(f.path) ?? byPathRead.get(f.path)!);
}

/**
 * Base, ours and theirs of each file from the stages git left (`MergeTreeResult.stages` or
 * `PairConflict.stages`): stage 1 is the base, 2 ours, 3 theirs, read by object id in one
 * `git cat-file --batch`. A side without a stage is null.
 */
export async function stageContent(
  repoDir: string,
  stages: readonly ConflictStage[],
  files: readonly ConflictFile[],
  options: ConflictContentOptions = {},
): Promise<ConflictFileContent[]> {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const wanted = new Set(files.map((f) => f.path));
  const oids = [...new Set(stages.filter((s) => wanted.has(s.path) && s.mode !== '160000').map((s) => s.oid))];
  const blobs = await readBlobs(repoDir, oids);
  return files.map((file) => {
    const at = (stage: 1 | 2 | 3): SideObject | null => {
      const s = stages.find((e) => e.path === file.path && e.stage === stage);
      return s ? { mode: s.mode, oid: s.oid } : null;
    };
    const sideObjects = { base: at(1), ours: at(2), theirs: at(3) };
    const sides = [sideObjects.base, sideObjects.ours, sideObjects.theirs].map((o) => {
      const blob = o && o.mode !== '160000' ? blobs.get(o.oid) : undefined;
      return blob ? sideOf(blob, maxBytes) : ABSENT;
    });
    return { ...contentOf(file, sides), sides: sideObjects };
  });
}

/** Blobs by id through one `git cat-file --batch`; an id that is missing or not a blob is left out. */
async function readBlobs(repoDir: string, oids: readonly string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (oids.length === 0) return out;
  const { stdoutBuffer: buf } = await runGit(repoDir, ['cat-file', '--batch'], { input: oids.map((o) => `${o}\n`).join('') });
  let at = 0;
  for (const oid of oids) {
    const eol = buf.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = buf.subarray(at, eol).toString('latin1').split(' ');
    at = eol + 1;
    if (header.length !== 3) continue; // '<oid> missing'
    const size = Number(header[2]);
    if (header[1] === 'blob' && header[0] === oid) out.set(oid, buf.subarray(at, at + size));
    at += size + 1;
  }
  return out;
}

/** The old way, for files that hold no stage: each side read by path at a commit. */
async function pathContent(
  repoDir: string,
  ours: string,
  theirs: string,
  files: readonly ConflictFile[],
  options: ConflictContentOptions,
): Promise<ConflictFileContent[]> {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const base = await mergeBase(repoDir, ours, theirs);
  const out: ConflictFileContent[] = [];
  for (const file of files) {
    const sides = await Promise.all([base, ours, theirs].map((commit) => (commit ? blobText(repoDir, commit, file.path, maxBytes) : Promise.resolve(ABSENT))));
    out.push(contentOf(file, sides));
  }
  return out;
}

function contentOf(file: ConflictFile, sides: readonly Side[]): ConflictFileContent {
  return {
    path: file.path,
    kind: file.kind,
    base: sides[0].text,
    ours: sides[1].text,
    theirs: sides[2].text,
    binary: sides.some((s) => s.binary),
    truncated: sides.some((s) => s.truncated),
  };
}

interface Side {
  text: string | null;
  binary: boolean;
  truncated: boolean;
}

const ABSENT: Side = { text: null, binary: false, truncated: false };

function sideOf(blob: Buffer, maxBytes: number): Side {
  if (blob.subarray(0, 8000).includes(0)) return { text: null, binary: true, truncated: false };
  if (blob.length <= maxBytes) return { text: blob.toString('utf8'), binary: false, truncated: false };
  let cut = maxBytes;
  while (cut > 0 && (blob[cut] & 0xc0) === 0x80) cut--;
  return { text: blob.subarray(0, cut).toString('utf8'), binary: false, truncated: true };
}

/** A file's text at a commit; null when the path is absent there or is not a blob. */
export async function blobText(repoDir: string, commit: string, filePath: string, maxBytes = Infinity): Promise<Side> {
  const spec = `${commit}:${filePath}`;
  const type = await runGit(repoDir, ['cat-file', '-t', spec], { okExitCodes: [0, 128] });
  if (type.exitCode !== 0 || type.stdout.trim() !== 'blob') return ABSENT;
  const { stdoutBuffer } = await runGit(repoDir, ['cat-file', 'blob', spec]);
  return sideOf(stdoutBuffer, maxBytes);
}
