import { isAbsolute, join, relative } from 'node:path';
import type { RunState } from '../../protocol/runState';
import type { Finding } from '../../protocol/taskResult';
import type { GitRef } from './gitRefUri';
import { mapLine } from './lineMapping';
import type { TaskLease } from './taskLeases';

export interface FindingDiagnostic {
  taskId: string;
  /** Position of the finding in the task's findings (the key of `finding/review`). */
  index: number;
  /** 0-based, as VS Code ranges want it. */
  line: number;
  severity: Finding['severity'];
  message: string;
  rule: string;
}

/** Where a finding is shown: the file in the user's checkout, or (not there) the file on the task branch. */
export type FindingPlace = { kind: 'checkout'; path: string } | { kind: 'branch'; ref: GitRef };

export interface PlacedFindings {
  place: FindingPlace;
  diagnostics: FindingDiagnostic[];
}

/** How findings read files: each answers null when the file does not exist there. */
export interface FindingSources {
  atRevision(repo: string, rev: string, path: string): Promise<string | null>;
  /** An absolute path in the user's checkout. */
  inCheckout(path: string): Promise<string | null>;
}

/**
 * Verifier findings with a file, on the user's checkout: the finding's line on the task branch is
 * carried through the diff to the same content in the user's copy (when that line changed, the
 * nearest unchanged line, and the message says so). A file the checkout does not have is shown on
 * the task branch (a read-only loom-git document), never as a path that would open "Create File".
 * Findings a person dismissed are left out. Keyed by place (see `placeKey`).
 */
export async function findingDiagnostics(
  state: RunState,
  leases: ReadonlyMap<string, TaskLease>,
  sources: FindingSources,
  dismissed: ReadonlySet<string> = new Set(),
): Promise<Map<string, PlacedFindings>> {
  const byPlace = new Map<string, PlacedFindings>();
  const repo = state.repo;
  if (!repo) return byPlace;
  const cache = new Map<string, Promise<string | null>>();
  const read = (key: string, load: () => Promise<string | null>) => {
    let text = cache.get(key);
    if (!text) cache.set(key, (text = load()));
    return text;
  };
  for (const t of state.tasks) {
    const lease = leases.get(t.task.id);
    const rev = t.headCommit ?? t.branch ?? lease?.branch ?? null;
    const branchName = t.branch ?? lease?.branch ?? rev?.slice(0, 10) ?? 'the task branch';
    for (const [index, f] of t.findings.entries()) {
      if (!f.file || dismissed.has(findingKey(t.task.id, index))) continue;
      const file = repoRelative(f.file, [lease?.path, repo]);
      if (!file) continue;
      const userPath = join(repo, file);
      const [mine, theirs] = await Promise.all([
        read(`checkout:${userPath}`, () => sources.inCheckout(userPath)),
        rev ? read(`rev:${rev}:${file}`, () => sources.atRevision(repo, rev, file)) : Promise.resolve(null),
      ]);
      let place: FindingPlace;
      let line = f.line ?? 1;
      let note = '';
      if (mine !== null) {
        place = { kind: 'checkout', path: userPath };
        if (f.line !== undefined && theirs !== null) {
          const mapped = mapLine(theirs, mine, f.line);
          if (!mapped.exact) note = `line ${f.line} on ${branchName} differs in your checkout; shown at the nearest unchanged line, ${mapped.line}`;
          line = mapped.line;
        } else if (f.line !== undefined) {
          note = `${file} is not on ${branchName}; line ${f.line} is the verifier's`;
        }
      } else if (rev) {
        place = { kind: 'branch', ref: { repo, rev, path: file } };
        note = theirs === null ? `${file} exists neither in your checkout nor on ${branchName}` : `${file} is not in your checkout: shown as on ${branchName}`;
      } else continue;
      const key = placeKey(place);
      const entry = byPlace.get(key) ?? { place, diagnostics: [] };
      entry.diagnostics.push({
        taskId: t.task.id,
        index,
        line: Math.max(0, line - 1),
        severity: f.severity,
        message: [f.message, note ? `(${note})` : '', f.evidence ? f.evidence.slice(0, 500) : ''].filter(Boolean).join('\n'),
        rule: f.rule,
      });
      byPlace.set(key, entry);
    }
  }
  return byPlace;
}

/**
 * Where a finding named by its file (and line) is shown, as the Problems panel has it: the dashboard's
 * file links open there. Null when no finding of the run names that file.
 */
export async function placeOfFinding(
  state: RunState,
  leases: ReadonlyMap<string, TaskLease>,
  sources: FindingSources,
  file: string,
  line: number | undefined,
): Promise<{ place: FindingPlace; line: number } | null> {
  const wanted = file.replace(/\\/g, '/');
  const named = (f: Finding | undefined) => f?.file?.replace(/\\/g, '/') === wanted && (line === undefined || f.line === line);
  if (!state.tasks.some((t) => t.findings.some(named))) return null;
  for (const { place, diagnostics } of (await findingDiagnostics(state, leases, sources)).values()) {
    const d = diagnostics.find((x) => named(state.tasks.find((t) => t.task.id === x.taskId)?.findings[x.index]));
    if (d) return { place, line: d.line };
  }
  return null;
}

export function placeKey(place: FindingPlace): string {
  return place.kind === 'checkout' ? `file:${place.path}` : `git:${place.ref.rev}:${place.ref.path}`;
}

export function findingKey(taskId: string, index: number): string {
  return `${taskId}#${index}`;
}

/** A finding's file relative to the repository: as given, or made relative to the worktree or repository it names. */
function repoRelative(file: string, roots: readonly (string | undefined)[]): string | null {
  const path = file.replace(/\\/g, '/');
  if (!isAbsolute(path)) return path.startsWith('../') ? null : path.replace(/^\.\//, '');
  for (const root of roots) {
    if (!root) continue;
    const rel = relative(root, path);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel.replace(/\\/g, '/');
  }
  return null;
}
