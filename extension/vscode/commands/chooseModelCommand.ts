import * as vscode from 'vscode';
import { chooseModel, type ModelSource, type ModelSourceDeps } from './pickModelSource';

/** What the chosen model is, in words (the notification and the log). */
export function describeSource(source: ModelSource): string {
  switch (source.kind) {
    case 'endpoint':
      return `${source.endpoint.model} at ${source.endpoint.baseUrl}`;
    case 'languageModel':
      return `the VS Code language model ${source.chat.name || source.chat.id}`;
    case 'simulator':
      return source.scenarioPath ? `the simulator with ${vscode.workspace.asRelativePath(source.scenarioPath)}` : 'the simulator with the demo scenario';
  }
}

/**
 * Loom: Choose Model… — the model picker, whatever is configured; the choice is what "Start Agent
 * Plan" and "Resume Run" use in this workspace from now on. Returns its kind (for the command API).
 */
export async function chooseModelCommand(deps: ModelSourceDeps, log: vscode.LogOutputChannel): Promise<{ kind: ModelSource['kind'] } | undefined> {
  const source = await chooseModel(deps);
  if (!source) return undefined;
  const what = describeSource(source);
  log.info(`model for this workspace: ${what}`);
  void vscode.window.showInformationMessage(`Loom: runs in this workspace use ${what}.`);
  return { kind: source.kind };
}
