import { runGit } from '../workspace/git';

/**
 * A conflict kind as git names it in `CONFLICT (<kind>)` or `CONFLICT(<kind>)`: 'contents',
 * 'add/add', 'binary', 'modify/delete', 'rename/delete', 'rename/rename', 'file/directory',
 * 'distinct modes', 'submodule', 'directory rename suggested', 'directory rename collision',
 * 'directory rename unclear split', … Unknown kinds pass through unchanged; 'unknown' when
 * git said the merge conflicts but its output could not be read.
 */
export type ConflictKind = string;

export interface ConflictFile {
  path: string;
  kind: ConflictKind;
}

/**
 * One entry of git's conflicted-file section (`<mode> <object> <stage>\t<path>`), exactly what a
 * real `git merge` leaves in the index (`git ls-files -u`): stage 1 is the base git used (with
 * several merge bases, the virtual one it made by merging them), 2 ours, 3 theirs.
 */
export interface ConflictStage {
  path: string;
  /** Octal, as git prints it: '100644', '100755', '120000' (symlink), '160000' (submodule). */
  mode: string;
  /** The blob (or, for a submodule, commit) id. */
  oid: string;
  stage: 1 | 2 | 3;
  /** The path's bytes in base64 when they are not valid UTF-8 (`path` then has U+FFFD in their place). */
  rawPath?: string;
}

/** One informational message of `merge-tree --messages`. */
export interface MergeMessage {
  paths: string[];
  /** Stable type string, e.g. 'Auto-merging', 'CONFLICT (contents)', 'CONFLICT(directory rename collision)'. */
  type: string;
  text: string;
}

export type MergeTreeResult =
  | { clean: true; tree: string; messages: MergeMessage[] }
  | {
      clean: false;
      /** The merged tree, conflict markers and all ('' when git's output could not be read). */
      tree: string;
      conflicts: ConflictFile[];
      messages: MergeMessage[];
      /** The index stages git left, in git's order (empty for a conflict no path holds, e.g. an unclear directory split). */
      stages: ConflictStage[];
      /** Set when git said the merge conflicts but its output for this pair could not be read: why. */
      unknown?: string;
    };

export class MergeTreeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeTreeError';
  }
}

const commitGraphs = new Map<string, Promise<void>>();

/**
 * `git commit-graph write --reachable`, once per repository per process: without it merge-tree is
 * ten times slower on a large history (FACTS.md). Best effort — a failure only costs speed.
 */
export function ensureCommitGraph(repoDir: string): Promise<void> {
  let p = commitGraphs.get(repoDir);
  if (!p) {
    p = runGit(repoDir, ['commit-graph', 'write', '--reachable'], { lockRetries: 3 }).then(
      () => undefined,
      () => undefined,
    );
    commitGraphs.set(repoDir, p);
  }
  return p;
}

/**
 * Without `--name-only`, so the conflicted-file section gives the stages git used. With `-z` git
 * never quotes a path (core.quotePath only applies to quoted output).
 */
export const MERGE_TREE_ARGS = ['merge-tree', '--write-tree', '-z', '--messages'] as const;

/**
 * Merges two commits in memory with `git merge-tree --write-tree` (git ≥ 2.38): no worktree or index
 * is touched; the merged tree is written to the object store, conflict markers and all.
 * Exit code 0 is clean, 1 is conflicted, anything else (unrelated histories, a bad revision) throws.
 * Output that cannot be read, with exit code 1, is a conflict of unknown kind, not a throw.
 */
export async function mergeTree(repoDir: string, ours: string, theirs: string): Promise<MergeTreeResult> {
  await ensureCommitGraph(repoDir);
  const r = await runGit(repoDir, [...MERGE_TREE_ARGS, ours, theirs], { okExitCodes: [0, 1, 128] });
  const tokens = splitTokens(r.stdoutBuffer);
  if (r.exitCode === 128 || !isObjectId(tokens[0])) {
    throw new MergeTreeError(`git merge-tree ${ours} ${theirs} failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.slice(0, 200)}`);
  }
  try {
    const parsed = parseMergeRecord(tokens, 0);
    if (parsed.next < tokens.length) throw new MergeTreeError(`merge-tree output: ${tokens.length - parsed.next} unexpected tokens after the record`);
    return toResult(parsed.record, r.exitCode === 1);
  } catch (err) {
    if (!(err instanceof MergeTreeError)) throw err;
    // exit 1 says conflicted; exit 0 with output we cannot read is not trusted as clean either.
    return unknownConflict(err.message, tokens[0]);
  }
}

/** A pair git said conflicts (or whose verdict could not be read): conflicted, kind unknown, no paths. */
export function unknownConflict(reason: string, tree = ''): MergeTreeResult {
  return { clean: false, tree: isObjectId(tree) ? tree : '', conflicts: [], messages: [], stages: [], unknown: reason };
}

/**
 * Splits NUL-separated output into tokens, each byte kept as one latin1 character so that paths that
 * are not UTF-8 survive parsing unchanged; `utf8()` decodes them at the end.
 */
export function splitTokens(out: Buffer): string[] {
  return out.toString('latin1').split('\0');
}

function utf8(token: string): string {
  return Buffer.from(token, 'latin1').toString('utf8');
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodePath(token: string): { path: string; rawPath?: string } {
  const bytes = Buffer.from(token, 'latin1');
  try {
    return { path: fatalUtf8.decode(bytes) };
  } catch {
    return { path: bytes.toString('utf8'), rawPath: bytes.toString('base64') };
  }
}

export function isObjectId(token: string | undefined): token is string {
  return token !== undefined && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(token);
}

export interface MergeRecord {
  tree: string;
  /** Every conflicted path, once, in git's order. */
  conflictedPaths: string[];
  stages: ConflictStage[];
  messages: MergeMessage[];
  /** Free text git printed after the messages (the advice after a submodule conflict), or ''. */
  advice: string;
}

const STAGE_LINE = /^([0-7]{6}) ([0-9a-f]{40}(?:[0-9a-f]{24})?) ([123])\t([^]+)$/;

/**
 * Parses one `-z --messages` record starting at `tokens[start]` (the tree id), tokens as
 * `splitTokens` makes them:
 * `<tree> NUL (<mode> SP <oid> SP <stage> TAB <path> NUL)* NUL (<n> NUL (<path> NUL){n} <type> NUL <text> NUL)* [<advice>] [NUL]`.
 * The record ends with an empty token (absent at the end of a single merge's output) or with the
 * free-text advice git 2.39 prints after a submodule conflict, which takes the empty token's place.
 * `--name-only` records (bare paths in the first section) are read too. Throws a MergeTreeError on
 * anything else. Returns the record and the index of the token after it.
 */
export function parseMergeRecord(tokens: readonly string[], start: number): { record: MergeRecord; next: number } {
  let i = start;
  const tree = tokens[i++];
  if (!isObjectId(tree)) throw new MergeTreeError(`merge-tree output: expected a tree id, got ${JSON.stringify(String(tree).slice(0, 80))}`);
  const conflictedPaths: string[] = [];
  const stages: ConflictStage[] = [];
  const seen = new Set<string>();
  while (i < tokens.length && tokens[i] !== '') {
    const token = tokens[i++];
    const m = STAGE_LINE.exec(token);
    const pathToken = m ? m[4] : token;
    const { path, rawPath } = decodePath(pathToken);
    if (m) stages.push({ path, mode: m[1], oid: m[2], stage: Number(m[3]) as 1 | 2 | 3, ...(rawPath ? { rawPath } : {}) });
    if (!seen.has(pathToken)) {
      seen.add(pathToken);
      conflictedPaths.push(path);
    }
  }
  // Output cut short: a whole record always has the empty token after its conflicted-file section.
  if (i >= tokens.length) throw new MergeTreeError('merge-tree output: the conflicted-file section does not end');
  i++; // the empty token that ends the conflicted-file section
  const messages: MergeMessage[] = [];
  let advice = '';
  while (i < tokens.length && tokens[i] !== '') {
    if (!/^\d+$/.test(tokens[i])) {
      advice = utf8(tokens[i]).replace(/\n$/, '');
      return { record: { tree, conflictedPaths, stages, messages, advice }, next: i + 1 };
    }
    const count = Number(tokens[i]);
    if (i + count + 2 >= tokens.length) throw new MergeTreeError(`merge-tree output: message at token ${i} is cut short`);
    i++;
    const paths = tokens.slice(i, i + count).map((t) => decodePath(t).path);
    i += count;
    const type = utf8(tokens[i++]);
    const text = utf8(tokens[i++]).replace(/\n$/, '');
    messages.push({ paths, type, text });
  }
  i++; // the empty token that ends the record (absent at end of output)
  return { record: { tree, conflictedPaths, stages, messages, advice }, next: i };
}

/**
 * The kind a message gives: 'CONFLICT (contents)' → 'contents', 'CONFLICT(directory rename
 * collision)' → 'directory rename collision' (git spells some types without the space). A contents
 * conflict is refined by its text to 'add/add' or 'submodule'. Null for a message that is not a
 * conflict ('Auto-merging', 'Path updated due to directory rename', …).
 */
export function conflictKind(message: MergeMessage): ConflictKind | null {
  const m = /^CONFLICT\s*\((.+)\)\s*$/.exec(message.type);
  if (!m) return /^CONFLICT\b/.test(message.type) ? 'unknown' : null;
  let kind = m[1].trim();
  if (kind === 'content') kind = 'contents';
  if (kind === 'contents') {
    const detail = /^CONFLICT\s*\(([^)]+)\)/.exec(message.text);
    if (detail && (detail[1] === 'add/add' || detail[1] === 'submodule')) kind = detail[1];
  }
  return kind;
}

/** Collapses git's submodule details ('submodule not initialized', 'submodule lacks merge base', …) to 'submodule'. */
function fileKind(kind: ConflictKind): ConflictKind {
  return kind.startsWith('submodule') ? 'submodule' : kind;
}

/**
 * Maps every conflicted path to its kind (the first CONFLICT message naming it; 'contents' when
 * none does), then adds paths that CONFLICT messages name but the index does not hold, such as the
 * source of a rename/delete, the directory of a file/directory conflict or of an unclear
 * directory-rename split.
 */
export function conflictFiles(record: Pick<MergeRecord, 'conflictedPaths' | 'messages'>): ConflictFile[] {
  const kinds = new Map<string, ConflictKind>();
  const extra: string[] = [];
  const listed = new Set(record.conflictedPaths);
  for (const message of record.messages) {
    const kind = conflictKind(message);
    if (!kind) continue;
    for (const p of message.paths) {
      if (kinds.has(p)) continue;
      kinds.set(p, fileKind(kind));
      if (!listed.has(p)) extra.push(p);
    }
  }
  const seen = new Set<string>();
  const files: ConflictFile[] = [];
  for (const p of [...record.conflictedPaths, ...extra]) {
    if (seen.has(p)) continue;
    seen.add(p);
    files.push({ path: p, kind: kinds.get(p) ?? 'contents' });
  }
  return files;
}

/**
 * A record as a result. `conflicted` is git's own verdict (exit code 1, or status 0 under `--stdin`):
 * a merge git calls conflicted is conflicted even when no path is listed (a directory-rename
 * conflict can leave every path merged). A listed path or a CONFLICT message also makes it
 * conflicted, whatever the verdict said.
 */
export function toResult(record: MergeRecord, conflicted: boolean): MergeTreeResult {
  const files = conflictFiles(record);
  const hasConflictMessage = record.messages.some((m) => conflictKind(m) !== null);
  if (!conflicted && files.length === 0 && record.stages.length === 0 && !hasConflictMessage) {
    return { clean: true, tree: record.tree, messages: record.messages };
  }
  return { clean: false, tree: record.tree, conflicts: files, messages: record.messages, stages: record.stages };
}
