import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { createDemoRepo } from '../../cli/demoRepo';
import { runGit } from '../../engine/workspace/git';

/**
 * Loom: Try the Demo — a throwaway copy of the demo's sample repository (examples/demo/repo, with its
 * spec as SPEC.md) in a temp folder, committed as `main`, opened in a new window: the person's own
 * repositories are not touched. There, "Start Agent Plan" with "Simulator (demo scenario)" runs the
 * demo as `npm run demo` does.
 */
export async function openDemoCommand(extensionUri: vscode.Uri, log: vscode.LogOutputChannel): Promise<{ repo: string }> {
  const demo = join(extensionUri.fsPath, 'examples', 'demo');
  const { repo } = await createDemoRepo(join(demo, 'repo'));
  copyFileSync(join(demo, 'spec.md'), join(repo, 'SPEC.md'));
  await runGit(repo, ['add', 'SPEC.md']);
  await runGit(repo, ['commit', '-q', '--no-gpg-sign', '-m', 'The spec Loom plans from']);
  log.info(`demo repository made at ${repo}`);
  await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(repo), { forceNewWindow: true });
  return { repo };
}
