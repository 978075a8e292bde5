import * as vscode from 'vscode';

export const EXPLAIN_TRUST_COMMAND = 'loom.explainRestrictedMode';

const WHY =
  'Loom is off in Restricted Mode: it runs AI agents on this repository, and they run commands in it (its tests, its setup recipe, lint, MCP servers). Trust the workspace to use Loom.';

/**
 * Loom: Why Is Loom Restricted? — available in every workspace: in Restricted Mode it says why Loom
 * is off and offers VS Code's workspace trust editor; once trusted it says so.
 */
export async function explainRestrictedMode(): Promise<void> {
  if (vscode.workspace.isTrusted) {
    void vscode.window.showInformationMessage('Loom: this workspace is trusted; every Loom command is available.');
    return;
  }
  const answer = await vscode.window.showWarningMessage(WHY, 'Manage Workspace Trust');
  if (answer) await vscode.commands.executeCommand('workbench.trust.manage');
}

/**
 * In Restricted Mode every other Loom command (from the palette, a menu or a view) answers with the
 * same explanation instead of "command not found". Disposed when the workspace is trusted, before
 * the real commands are registered.
 */
export function registerRestrictedCommands(commandIds: readonly string[], log: vscode.LogOutputChannel): vscode.Disposable[] {
  return commandIds
    .filter((id) => id !== EXPLAIN_TRUST_COMMAND)
    .map((id) =>
      vscode.commands.registerCommand(id, () => {
        log.info(`${id}: not available in Restricted Mode`);
        return explainRestrictedMode();
      }),
    );
}

/** The command ids the extension contributes (package.json `contributes.commands`). */
export function contributedCommands(extension: vscode.Extension<unknown>): string[] {
  const commands = (extension.packageJSON as { contributes?: { commands?: { command?: unknown }[] } }).contributes?.commands ?? [];
  return commands.map((c) => c.command).filter((id): id is string => typeof id === 'string');
}
