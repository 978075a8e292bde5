import * as vscode from 'vscode';
import type { ApiKeyStore } from '../adapters/apiKeyStore';

/** Loom: Set API Key — asks for the key (masked) and keeps it in SecretStorage; empty input offers removal. */
export async function setApiKeyCommand(store: ApiKeyStore, log: vscode.LogOutputChannel): Promise<boolean> {
  const value = await vscode.window.showInputBox({
    title: 'Loom: API key of the model endpoint',
    prompt: 'Stored in VS Code SecretStorage, never in settings or logs. Leave empty to remove the stored key.',
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return false;
  if (!value.trim()) {
    const remove = await vscode.window.showWarningMessage('Remove the stored Loom API key?', { modal: true }, 'Remove');
    if (remove !== 'Remove') return false;
    await store.delete();
    log.info('API key removed from SecretStorage');
    void vscode.window.showInformationMessage('Loom: API key removed.');
    return true;
  }
  await store.set(value);
  log.info('API key stored in SecretStorage');
  void vscode.window.showInformationMessage('Loom: API key stored.');
  return true;
}
