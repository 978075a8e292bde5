import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Plan } from '../../protocol/plan';
import { describeRunOutcome } from '../../protocol/views/runOutcome';
import type { DashboardTab } from '../../protocol/webviewMessages';
import type { RunController, StartedRun } from '../run/runController';
import { errorOutcome, outcomeNotice } from '../run/outcomeNotice';
import { showRunProgress } from '../run/runProgress';
import { modelSourceFor, type ModelSourceDeps } from './pickModelSource';
import { pickSpec } from './pickSpec';
import { planConfirmation } from './planConfirmation';
import { prepareRun } from './runSetup';
import { parseStartPlanArgs } from './startPlanArgs';

export interface StartPlanDeps extends ModelSourceDeps {
  extensionUri: vscode.Uri;
  controller: RunController;
  log: vscode.LogOutputChannel;
  /** Shows the dashboard (on a tab), keeping the focus where it is. */
  openDashboard: (tab?: DashboardTab) => void;
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

  const source = await modelSourceFor(deps, args);
  if (!source) return undefined;

  let planRejected = false;
  const { options, resources } = await prepareRun({
    extensionUri: deps.extensionUri,
    log,
    repo,
    specPath,
    source,
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
    const outcome = error ? errorOutcome(started.runId, error) : describeRunOutcome(state, 'vscode');
    const notice = outcomeNotice(outcome);
    const logAs = { info: deps.log.info, warning: deps.log.warn, error: deps.log.error }[notice.severity];
    logAs.call(deps.log, `run ${started.runId} ended: ${notice.details}`);
    const show = { info: vscode.window.showInformationMessage, warning: vscode.window.showWarningMessage, error: vscode.window.showErrorMessage }[notice.severity];
    void show(notice.message, ...notice.actions).then((answer) => {
      if (answer === 'Open Dashboard') deps.openDashboard();
      if (answer === 'Merge Result into My Branch') void vscode.commands.executeCommand('loom.mergeResult', { runId: started.runId });
      if (answer === 'Show Details') {
        if (notice.detailsIn === 'log') deps.log.show(true);
        else deps.openDashboard(notice.detailsIn);
      }
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
