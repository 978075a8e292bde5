import { readFile } from 'node:fs/promises';
import { runGit } from '../../engine/workspace/git';
import type { FindingSources } from './findingDiagnostics';

/** A file at a git revision (`git show REV:PATH`), or null when the revision does not have it. */
export function fileAtRevision(repo: string, rev: string, path: string): Promise<string | null> {
  return runGit(repo, ['show', '--no-textconv', `${rev}:${path}`]).then(
    (r) => r.stdout,
    () => null,
  );
}

/** Findings read the task branch from git and the user's checkout from disk. */
export const gitFindingSources: FindingSources = {
  atRevision: fileAtRevision,
  inCheckout: (path) =>
    readFile(path, 'utf8').then(
      (text) => text,
      () => null,
    ),
};
