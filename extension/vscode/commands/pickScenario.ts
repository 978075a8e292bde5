import * as vscode from 'vscode';
import { loadScenario, ScenarioError } from '../../engine/simulator/loadScenario';

/**
 * A scenario file of the person's for the simulator (docs/scenarios.md), read and validated before it
 * is accepted: a file that is not a scenario says what is wrong with it, and is not remembered.
 */
export async function pickScenarioFile(current: string | undefined): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Loom: choose a simulator scenario',
    canSelectMany: false,
    filters: { 'Scenario (JSON)': ['json'] },
    defaultUri: current ? vscode.Uri.file(current) : vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  const uri = picked?.[0];
  if (!uri) return undefined;
  try {
    const scenario = await loadScenario(uri.fsPath);
    void vscode.window.showInformationMessage(`Loom: the simulator will replay scenario "${scenario.name}" in this workspace ("Loom: Choose Model…" changes it).`);
    return uri.fsPath;
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    void vscode.window.showErrorMessage(`Loom: ${scenarioProblem(err)}`, { detail: err.message });
    return undefined;
  }
}

/** One line for a notification: the file and its first problems (the full list is in the error's message). */
export function scenarioProblem(err: ScenarioError): string {
  const shown = err.issues.slice(0, 3).join('; ');
  const more = err.issues.length > 3 ? ` (and ${err.issues.length - 3} more)` : '';
  return `${err.source} is not a usable scenario: ${shown}${more}. See docs/scenarios.md for the format.`;
}
