import { runGit } from '../workspace/git';

/**
 * A conflict kind as git names it in `CONFLICT (<kind>)`: 'contents', 'add/add', 'binary',
 * 'modify/delete', 'rename/delete', 'rename/rename', 'file/directory', 'distinct modes',
 * 'submodule', 'directory rename split', … Unknown kinds pass through unchanged.
 */
export type ConflictKind = string;

export interface ConflictFile {
  path: string;
  kind: ConflictKind;
}

/** One informational message of `merge-tree --messages`. */
export interface MergeMessage {
  paths: string[];
  /** Stable type string, e.g. 'Auto-merging', 'CONFLICT (contents)', 'CONFLICT (modify/delete)'. */
  type: string;
  text: string;
}

export type MergeTreeResult =
  | { clean: true; tree: string; messages: MergeMessage[] }
  | { clean: false; tree: string; conflicts: ConflictFile[]; messages: MergeMessage[] };

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

export const MERGE_TREE_ARGS = ['merge-tree', '--write-tree', '-z', '--name-only', '--messages'] as const;

/**
 * Merges two commits in memory with `git merge-tree --write-tree` (git ≥ 2.38): no worktree or index
 * is touched; the merged tree is written to the object store, conflict markers and all.
 * Exit code 0 is clean, 1 is conflicted, anything else (unrelated histories, a bad revision) throws.
 */
export async function mergeTree(repoDir: string, ours: string, theirs: string): Promise<MergeTreeResult> {
  await ensureCommitGraph(repoDir);
  const r = await runGit(repoDir, [...MERGE_TREE_ARGS, ours, theirs], { okExitCodes: [0, 1, 128] });
  if (r.exitCode === 128 || !/^[0-9a-f]{40,64}\0/.test(r.stdout)) {
    throw new MergeTreeError(`git merge-tree ${ours} ${theirs} failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.slice(0, 200)}`);
  }
  const tokens = r.stdout.split('\0');
  const parsed = parseMergeRecord(tokens, 0);
  return toResult(parsed.record, r.exitCode === 1);
}

export interface MergeRecord {
  tree: string;
  conflictedPaths: string[];
  messages: MergeMessage[];
}

/**
 * Parses one `-z --name-only --messages` record starting at `tokens[start]` (the tree id):
 * `<tree> NUL (<path> NUL)* NUL (<n> NUL (<path> NUL){n} <type> NUL <text> NUL)* [NUL]`.
 * Returns the record and the index of the token after it.
 */
export function parseMergeRecord(tokens: readonly string[], start: number): { record: MergeRecord; next: number } {
  let i = start;
  const tree = tokens[i++];
  if (!tree || !/^[0-9a-f]{40,64}$/.test(tree)) throw new MergeTreeError(`merge-tree output: expected a tree id, got ${JSON.stringify(tree)}`);
  const conflictedPaths: string[] = [];
  while (i < tokens.length && tokens[i] !== '') conflictedPaths.push(tokens[i++]);
  i++; // the empty token that ends the conflicted-file section
  const messages: MergeMessage[] = [];
  while (i < tokens.length && tokens[i] !== '') {
    const count = Number(tokens[i]);
    if (!Number.isInteger(count) || count < 0 || i + count + 2 >= tokens.length) {
      throw new MergeTreeError(`merge-tree output: malformed message at token ${i}: ${JSON.stringify(tokens[i])}`);
    }
    i++;
    const paths = tokens.slice(i, i + count);
    i += count;
    const type = tokens[i++];
    const text = tokens[i++].replace(/\n$/, '');
    messages.push({ paths, type, text });
  }
  i++; // the empty token that ends the record (absent at end of output)
  return { record: { tree, conflictedPaths, messages }, next: i };
}

/** `CONFLICT (contents)` → 'contents'; refined to 'add/add' when the text says so. */
export function conflictKind(message: MergeMessage): ConflictKind | null {
  const m = /^CONFLICT \((.+)\)$/.exec(message.type);
  if (!m) return null;
  let kind = m[1];
  if (kind === 'content') kind = 'contents';
  if (kind === 'contents') {
    const detail = /^CONFLICT \(([^)]+)\)/.exec(message.text);
    if (detail && detail[1] === 'add/add') kind = 'add/add';
  }
  return kind;
}

/**
 * Maps every conflicted path to its kind (the first CONFLICT message naming it; 'contents' when
 * none does), then adds paths that CONFLICT messages name but the index does not hold, such as the
 * source of a rename/delete or the directory of a file/directory conflict.
 */
export function conflictFiles(record: MergeRecord): ConflictFile[] {
  const kinds = new Map<string, ConflictKind>();
  const extra: string[] = [];
  const listed = new Set(record.conflictedPaths);
  for (const message of record.messages) {
    const kind = conflictKind(message);
    if (!kind) continue;
    for (const p of message.paths) {
      if (kinds.has(p)) continue;
      kinds.set(p, kind);
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

export function toResult(record: MergeRecord, conflicted: boolean): MergeTreeResult {
  const files = conflictFiles(record);
  if (!conflicted && files.length === 0) return { clean: true, tree: record.tree, messages: record.messages };
  return { clean: false, tree: record.tree, conflicts: files, messages: record.messages };
}
