import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Plan } from '../../protocol/plan';
import type { ApiKeyStore } from '../adapters/apiKeyStore';
import type { RunController, StartedRun } from '../run/runController';
import { showRunProgress } from '../run/runProgress';
import { pickModelSource } from './pickModelSource';
import { pickSpec } from './pickSpec';
import { planConfirmation } from './planConfirmation';
import { prepareRun } from './runSetup';
import { parseStartPlanArgs } from './startPlanArgs';

export interface StartPlanDeps {
  extensionUri: vscode.Uri;
  controller: RunController;
  keys: ApiKeyStore;
  log: vscode.LogOutputChannel;
  setApiKey: () => Promise<boolean>;
  openDashboard: () => void;
}

/**
 * Loom: Start Agent Plan — spec, model, the plan confirmation (first human gate), then the run.
 * Returns { runId, journalPath } once the run started, undefined when cancelled.
 */
export async function startPlanCommand(deps: StartPlanDeps, rawArgs: unknown): Promise<{ runId: string; journalPath: string } | undefined> {
  const { controller, log } = deps;
  const parsed = parseStartPlanArgs(rawArgs);
  if (!parsed.ok) throw new Error(parsed.error);
  const args = parsed.args;
  if (controller.isRunning) {
    // Not awaited: a caller of the command API gets its answer now, not when the notification closes.
    void vscode.window.showWarningMessage(`Loom: run ${controller.runId} is still active.`, 'Open Dashboard', 'Stop Run').then((answer) => {
      if (answer === 'Open Dashboard') deps.openDashboard();
      if (answer === 'Stop Run') void controller.stop();
    });
    return undefined;
  }

  const specPath = args.specPath ?? (await pickSpec(deps.extensionUri))?.fsPath;
  if (!specPath) return undefined;
  const repo = args.repoPath ?? repoFor(specPath);
  if (!repo) {
    void vscode.window.showErrorMessage('Loom: open the repository the spec is about as a workspace folder (or pass repoPath).');
    return undefined;
  }

  const source = args.source === 'simulator' ? { kind: 'simulator' as const } : await pickModelSource(deps.keys, deps.setApiKey);
  if (!source) return undefined;

  let planRejected = false;
  const { options, resources } = await prepareRun({
    extensionUri: deps.extensionUri,
    log,
    repo,
    specPath,
    source,
    scenarioPath: args.scenarioPath,
    confirmPlan: args.autoConfirm
      ? async () => true
      : async (plan) => {
          const accepted = await confirmPlan(plan);
          if (!accepted) planRejected = true;
          return accepted;
        },
  });
  try {
    const started = await controller.start(options, resources);
    log.info(`run ${started.runId} started on ${repo} with spec ${specPath}; journal ${started.journalPath}`);
    followRun(deps, started, () => planRejected);
    deps.openDashboard();
    return { runId: started.runId, journalPath: started.journalPath };
  } catch (err) {
    for (const r of resources) await r.dispose();
    throw err;
  }
}

/** Progress while the run goes, and a notification when it ends (started or resumed). */
export function followRun(deps: Pick<StartPlanDeps, 'controller' | 'log' | 'openDashboard'>, started: StartedRun, planRejected: () => boolean = () => false): void {
  showRunProgress(deps.controller, started.runId, started.done);
  void started.done.then(({ state, error }) => {
    if (planRejected()) {
      deps.log.info(`run ${started.runId}: the plan was not accepted; nothing ran`);
      void vscode.window.showInformationMessage('Loom: plan cancelled; no agent ran.');
      return;
    }
    if (error) {
      deps.log.error(`run ${started.runId} ended with an error: ${error.message}`);
      void vscode.window.showErrorMessage(`Loom: run ${started.runId} could not run: ${error.message}`);
      return;
    }
    deps.log.info(`run ${started.runId} finished: ${state.status}`);
    const open = state.escalations.filter((e) => e.resolution === null).length;
    const text = `Loom: run ${started.runId} ${state.status}${open ? ` — ${open} escalation(s) wait for you` : ''}.`;
    const show = state.status === 'succeeded' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(text, 'Open Dashboard').then((answer) => {
      if (answer) deps.openDashboard();
    });
  });
}

/** The first human gate: the coordinator's plan in a modal, Run or Cancel. */
async function confirmPlan(plan: Plan): Promise<boolean> {
  const { message, detail } = planConfirmation(plan);
  return (await vscode.window.showInformationMessage(message, { modal: true, detail }, 'Run')) === 'Run';
}

/** The workspace folder holding the spec, else the first one. */
function repoFor(specPath: string): string | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(specPath)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.fsPath ?? (existsSync(join(dirname(specPath), '.git')) ? dirname(specPath) : undefined);
}
