import * as vscode from 'vscode';
import { normalizeSettings, type LoomSettings } from './loomSettings';

/** Loom's settings from the workspace configuration, validated. */
export function readSettings(scope?: vscode.Uri): LoomSettings {
  const config = vscode.workspace.getConfiguration('loom', scope);
  return normalizeSettings((key) => config.get(key));
}

/**
 * Stores the endpoint in the user settings, never in the workspace's (that would be a file in the
 * person's repository). Returns the keys a workspace or folder setting still overrides, so the
 * caller can say why the choice does not take effect there.
 */
export async function storeEndpoint(baseUrl: string, model: string): Promise<string[]> {
  const config = vscode.workspace.getConfiguration('loom');
  await config.update('model.baseUrl', baseUrl, vscode.ConfigurationTarget.Global);
  await config.update('model.name', model, vscode.ConfigurationTarget.Global);
  return ['model.baseUrl', 'model.name'].filter((key) => {
    const where = config.inspect(key);
    return where?.workspaceValue !== undefined || where?.workspaceFolderValue !== undefined;
  }).map((key) => `loom.${key}`);
}
