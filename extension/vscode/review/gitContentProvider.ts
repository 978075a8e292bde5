import * as vscode from 'vscode';
import { fileAtRevision } from './findingSources';
import { gitRefUriParts, LOOM_GIT_SCHEME, parseGitRefQuery, type GitRef } from './gitRefUri';

/** Files at a git revision (`git show REV:PATH`) as read-only documents, for the diff editor. */
export class GitContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(LOOM_GIT_SCHEME, this);

  static uri(ref: GitRef): vscode.Uri {
    return vscode.Uri.from(gitRefUriParts(ref));
  }

  provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parseGitRefQuery(uri.query);
    if (!ref) return Promise.resolve('');
    // A file added or deleted on one side has no content on the other: show it empty.
    return fileAtRevision(ref.repo, ref.rev, ref.path).then((text) => text ?? '');
  }

  dispose(): void {
    this.registration.dispose();
  }
}

/** Files changed between two revisions, repository-relative. */
export { changedFiles } from '../../engine/verify/gitDiff';
