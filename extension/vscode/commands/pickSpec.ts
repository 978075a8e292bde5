import * as vscode from 'vscode';
import { MAX_SPEC_FILES, SPEC_EXCLUDE, SPEC_GLOB, specCandidates } from './specFiles';

/**
 * The spec to run: the open Markdown editor, a spec file found in the workspace (SPEC.md, spec.md,
 * *.spec.md, Markdown under specs/), a file, or a new one from the template. A new spec is
 * created, opened for editing and not run (it has nothing of the person's in it yet).
 */
export async function pickSpec(extensionUri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const editor = vscode.window.activeTextEditor;
  const active = editor && editor.document.languageId === 'markdown' && editor.document.uri.scheme === 'file' ? editor.document : undefined;
  type Item = vscode.QuickPickItem & { pick: 'active' | 'found' | 'file' | 'template'; uri?: vscode.Uri };
  const items: Item[] = [];
  if (active) items.push({ pick: 'active', label: `$(markdown) ${vscode.workspace.asRelativePath(active.uri)}`, description: 'the open Markdown editor' });
  const found = await findSpecFiles(active?.uri);
  if (found.length) items.push({ pick: 'found', label: 'in this workspace', kind: vscode.QuickPickItemKind.Separator });
  for (const uri of found) items.push({ pick: 'found', label: `$(book) ${vscode.workspace.asRelativePath(uri)}`, uri });
  if (found.length || active) items.push({ pick: 'file', label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ pick: 'file', label: '$(folder-opened) Choose a spec file…' });
  items.push({ pick: 'template', label: '$(new-file) New spec from the template…', description: 'creates it for you to edit' });
  const choice = await vscode.window.showQuickPick(items, { title: 'Loom: which spec?', placeHolder: 'A Markdown spec with requirements R1, R2… and acceptance criteria' });
  if (!choice) return undefined;
  if (choice.pick === 'active' && active) {
    if (active.isDirty) await active.save();
    return active.uri;
  }
  if (choice.pick === 'found' && choice.uri) return choice.uri;
  if (choice.pick === 'file') {
    const picked = await vscode.window.showOpenDialog({
      title: 'Loom: choose a spec',
      canSelectMany: false,
      filters: { Markdown: ['md', 'markdown'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    return picked?.[0];
  }
  await createSpecFromTemplate(extensionUri);
  return undefined;
}

/** Spec files in the workspace folders, the open editor's left out (it is offered first). */
async function findSpecFiles(active: vscode.Uri | undefined): Promise<vscode.Uri[]> {
  const uris = await vscode.workspace.findFiles(SPEC_GLOB, SPEC_EXCLUDE, MAX_SPEC_FILES * 2);
  const byPath = new Map(uris.filter((u) => u.scheme === 'file').map((u) => [vscode.workspace.asRelativePath(u), u]));
  const activePath = active ? vscode.workspace.asRelativePath(active) : undefined;
  return specCandidates([...byPath.keys()], activePath).map((p) => byPath.get(p)!);
}

async function createSpecFromTemplate(extensionUri: vscode.Uri): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Loom: save the new spec',
    defaultUri: folder ? vscode.Uri.joinPath(folder, 'spec.md') : undefined,
    filters: { Markdown: ['md'] },
  });
  if (!target) return;
  const template = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'examples', 'spec.md'));
  await vscode.workspace.fs.writeFile(target, template);
  await vscode.window.showTextDocument(target);
  void vscode.window.showInformationMessage('Loom: write your requirements in this spec, save it, then run "Loom: Start Agent Plan" again.');
}
