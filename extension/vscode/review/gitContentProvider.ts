import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
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
    return new Promise((resolve) => {
      execFile('git', ['show', `${ref.rev}:${ref.path}`], { cwd: ref.repo, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
        // A file added or deleted on one side has no content on the other: show it empty.
        resolve(err ? '' : stdout);
      });
    });
  }

  dispose(): void {
    this.registration.dispose();
  }
}

/** Files changed between two revisions, repository-relative. */
export function changedFiles(repo: string, from: string, to: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('git', ['diff', '--name-only', '--no-renames', from, to, '--'], { cwd: repo, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(new Error(`git diff ${from} ${to} failed: ${err.message}`));
      else resolve(stdout.split('\n').filter(Boolean));
    });
  });
}
