import * as vscode from 'vscode';
import { normalizeSettings, type LoomSettings } from './loomSettings';

/** Loom's settings from the workspace configuration, validated. */
export function readSettings(scope?: vscode.Uri): LoomSettings {
  const config = vscode.workspace.getConfiguration('loom', scope);
  return normalizeSettings((key) => config.get(key));
}

/** Stores the endpoint in the workspace settings when a folder is open, else in the user settings. */
export async function storeEndpoint(baseUrl: string, model: string): Promise<void> {
  const config = vscode.workspace.getConfiguration('loom');
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('model.baseUrl', baseUrl, target);
  await config.update('model.name', model, target);
}
