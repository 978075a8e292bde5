import * as vscode from 'vscode';

/**
 * The spec to run: the open Markdown editor, a file, or a new one from the template. A new spec is
 * created, opened for editing and not run (it has nothing of the person's in it yet).
 */
export async function pickSpec(extensionUri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const editor = vscode.window.activeTextEditor;
  const active = editor && editor.document.languageId === 'markdown' && editor.document.uri.scheme === 'file' ? editor.document : undefined;
  type Item = vscode.QuickPickItem & { pick: 'active' | 'file' | 'template' };
  const items: Item[] = [];
  if (active) items.push({ pick: 'active', label: `$(markdown) ${vscode.workspace.asRelativePath(active.uri)}`, description: 'the open Markdown editor' });
  items.push({ pick: 'file', label: '$(folder-opened) Choose a spec file…' });
  items.push({ pick: 'template', label: '$(new-file) New spec from the template…', description: 'creates it for you to edit' });
  const choice = await vscode.window.showQuickPick(items, { title: 'Loom: which spec?', placeHolder: 'A Markdown spec with requirements R1, R2… and acceptance criteria' });
  if (!choice) return undefined;
  if (choice.pick === 'active' && active) {
    if (active.isDirty) await active.save();
    return active.uri;
  }
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
