import * as vscode from 'vscode';
import type { RunEvent } from '../protocol/events';
import type { RunState } from '../protocol/runState';
import { RunCoordinator } from '../engine/run/runCoordinator';
import { progressLine } from '../cli/progress';
import { ApiKeyStore } from './adapters/apiKeyStore';
import { registerCommands } from './commands/registerCommands';
import { DashboardPanels } from './dashboard/dashboardPanel';
import { FindingsController } from './review/findingsController';
import { FindingComments } from './review/findingComments';
import { GitContentProvider } from './review/gitContentProvider';
import { openTaskDiff } from './review/openTaskDiff';
import { openMergeEditor } from './review/openMergeEditor';
import { taskLeases } from './review/taskLeases';
import { openRunFile } from './review/openRunFile';
import { TraceDocuments } from './review/traceDocuments';
import { RunController } from './run/runController';
import { AgentsTreeProvider } from './views/agentsTreeProvider';
import { childNodes, rootNodes, type AgentsNode } from './views/agentsTreeModel';
import { RunStatusBar } from './views/runStatusBar';
import { RunsTreeProvider } from './views/runsTreeProvider';
import { PastRuns } from './run/pastRuns';
import { offerResume } from './run/resumeOffer';
import { openRunCommand, resumeRunCommand, type PastRunDeps } from './commands/pastRunCommands';
import { setApiKeyCommand } from './commands/setApiKeyCommand';
import { contributedCommands, EXPLAIN_TRUST_COMMAND, explainRestrictedMode, registerRestrictedCommands } from './commands/restrictedMode';
import { loomHome } from '../engine/run/runPaths';
import type { RunSummary } from '../protocol/runSummary';
import { redactLog } from '../engine/policy/redactLog';
import { SecretRedactor } from '../engine/policy/secretRedaction';

/** What the extension exports (`vscode.extensions.getExtension('loom-dev.loom').exports`), for integration tests and other extensions. */
export interface LoomApi {
  readonly state: RunState;
  readonly events: readonly RunEvent[];
  readonly isRunning: boolean;
  readonly runId: string | null;
  readonly journalPath: string | null;
  onDidChangeState(listener: (state: RunState) => void): vscode.Disposable;
  /** The Agents tree as the view shows it: top-level nodes, or the children of one. */
  agentsTree(parent?: AgentsNode): AgentsNode[];
  /** The runs under LOOM_HOME as the Runs view and the dashboard list them (read again now). */
  pastRuns(): readonly RunSummary[];
  /** Runs this activation offered to resume (interrupted runs of the workspace's repositories). */
  readonly resumeOffers: readonly string[];
  /** A message as the dashboard webview posts it, through the panel's validation and routing; false when no dashboard is open. */
  dashboardMessage(raw: unknown): boolean;
  /** The extension host's pid (a reload starts a new one). */
  readonly hostPid: number;
}

let controllerForDeactivate: RunController | null = null;

/**
 * Activation. In Restricted Mode (an untrusted workspace) Loom runs nothing: its commands explain why
 * and offer to manage workspace trust; once the workspace is trusted, Loom starts for real.
 * Returns the API only when the workspace is trusted.
 */
export function activate(context: vscode.ExtensionContext): LoomApi | undefined {
  const channel = vscode.window.createOutputChannel('Loom', { log: true });
  context.subscriptions.push(channel);
  // Everything written to the log is redacted (the process's secret variables, key formats, `.env` lines).
  const log = redactLog(channel, new SecretRedactor());
  context.subscriptions.push(vscode.commands.registerCommand(EXPLAIN_TRUST_COMMAND, explainRestrictedMode));
  if (vscode.workspace.isTrusted) return activateTrusted(context, log);
  log.info('Loom is off in Restricted Mode: it runs agents and commands in the repository, which needs a trusted workspace');
  const restricted = registerRestrictedCommands(contributedCommands(context.extension), log);
  context.subscriptions.push(
    ...restricted,
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      for (const d of restricted) d.dispose();
      activateTrusted(context, log);
    }),
  );
  return undefined;
}

/** The composition root: every adapter, view and command is made here and disposed with the extension. */
function activateTrusted(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LoomApi {
  const keys = new ApiKeyStore(context.secrets);

  const controller = new RunController((options) => new RunCoordinator(options));
  controllerForDeactivate = controller;
  context.subscriptions.push({ dispose: () => void controller.dispose() });

  let startedAt = Date.now();
  context.subscriptions.push(
    toVscode(controller.onDidReset(() => (startedAt = Date.now()))),
    toVscode(
      controller.onDidEvent((event) => {
        const line = progressLine(event, startedAt);
        if (line) log.info(line.replace(/^\[\s*[\d.]+s\]\s*/, ''));
        // Unconfined agents are worth a person's attention before anything runs: say so, not only in the log.
        if (event.type === 'run/didStart' && event.sandbox?.startsWith('no sandbox')) {
          void vscode.window.showWarningMessage(`Loom: ${event.sandbox}. Every command an agent runs will ask for your approval.`);
        }
      }),
    ),
    toVscode(controller.onDidChangeActive((active) => void vscode.commands.executeCommand('setContext', 'loom.runActive', active))),
  );

  const findings = new FindingsController(controller);
  const findingComments = new FindingComments(controller, findings);
  const traces = new TraceDocuments(controller);
  const tree = new AgentsTreeProvider(controller);
  context.subscriptions.push(
    findings,
    findingComments,
    vscode.commands.registerCommand('loom.acceptFinding', (thread: vscode.CommentThread) => findingComments.review(thread, 'accepted')),
    vscode.commands.registerCommand('loom.dismissFinding', (thread: vscode.CommentThread) => findingComments.review(thread, 'dismissed')),
    traces,
    tree,
    new GitContentProvider(),
    new RunStatusBar(controller),
    vscode.window.createTreeView('loom.agents', { treeDataProvider: tree, showCollapseAll: true }),
  );

  const runs = new PastRuns(loomHome(), controller);
  const runsTree = new RunsTreeProvider(runs, controller);
  context.subscriptions.push(runs, runsTree, vscode.window.createTreeView('loom.runs', { treeDataProvider: runsTree }));
  const pastRunDeps: PastRunDeps = {
    extensionUri: context.extensionUri,
    controller,
    runs,
    keys,
    state: context.workspaceState,
    log,
    setApiKey: () => setApiKeyCommand(keys, log),
    openDashboard: (tab) => dashboards.show(true, tab),
  };

  const dashboards = new DashboardPanels({
    extensionUri: context.extensionUri,
    controller,
    runs,
    log,
    actions: {
      resolveEscalation: async (escalationId, choice) => {
        if (choice === 'manual') {
          await openMergeEditor(controller, escalationId, log);
          return;
        }
        const state = await controller.resolveEscalation(escalationId, choice, 'user');
        log.info(`escalation ${escalationId} resolved from the dashboard: ${choice}; run ${state.status}`);
      },
      reviewFinding: (taskId, index, decision) => {
        findings.review(taskId, index, decision);
        log.info(`finding ${taskId}#${index} ${decision}`);
      },
      openFile: (path, line) => openRunFile(controller.state, taskLeases(controller.events), path, line),
      openDiff: (taskId) => openTaskDiff(controller.state, taskLeases(controller.events), taskId),
      openRun: async (runId) => void (await openRunCommand(pastRunDeps, { runId })),
      resumeRun: async (runId) => void (await resumeRunCommand(pastRunDeps, { runId })),
    },
  });
  context.subscriptions.push(dashboards);

  context.subscriptions.push(
    ...registerCommands({
      extensionUri: context.extensionUri,
      controller,
      keys,
      state: context.workspaceState,
      log,
      traces,
      pastRuns: pastRunDeps,
      openDashboard: (preserveFocus, tab) => dashboards.show(preserveFocus, tab),
      onDidCleanRun: (runId) => findings.forgetRun(runId),
    }),
  );
  void vscode.commands.executeCommand('setContext', 'loom.runActive', false);
  const resumeOffers = offerResume(runs, context.workspaceState, log);
  log.info(`Loom activated (extension at ${context.extensionUri.fsPath})`);

  return {
    get state() {
      return controller.state;
    },
    get events() {
      return controller.events;
    },
    get isRunning() {
      return controller.isRunning;
    },
    get runId() {
      return controller.runId;
    },
    get journalPath() {
      return controller.journalPath;
    },
    onDidChangeState: (listener) => toVscode(controller.onDidChangeState(listener)),
    agentsTree: (parent) => (parent ? childNodes(controller.state, parent) : rootNodes(controller.state)),
    pastRuns: () => runs.refresh(),
    resumeOffers,
    dashboardMessage: (raw) => dashboards.deliver(raw),
    hostPid: process.pid,
  };
}

/** Awaited by VS Code: an active run is stopped and its workers and MCP subprocesses are gone before the host exits. */
export async function deactivate(): Promise<void> {
  const controller = controllerForDeactivate;
  controllerForDeactivate = null;
  await controller?.dispose();
}

function toVscode(d: { dispose(): unknown }): vscode.Disposable {
  return { dispose: () => void d.dispose() };
}
