import * as vscode from 'vscode';
import { hostMessages, type DashboardTab, type EscalationChoice, type HostMessage } from '../../protocol/webviewMessages';
import type { RunController } from '../run/runController';
import type { PastRuns } from '../run/pastRuns';
import { dashboardHtml, newNonce } from './dashboardHtml';
import { routeWebviewMessage } from './routeWebviewMessage';

export const DASHBOARD_VIEW_TYPE = 'loom.dashboard';

/** What the dashboard asks the rest of the extension to do. */
export interface DashboardActions {
  resolveEscalation(escalationId: string, choice: EscalationChoice): Promise<void>;
  reviewFinding(taskId: string, index: number, decision: 'accepted' | 'dismissed'): void;
  openFile(path: string, line: number | undefined): Promise<void>;
  openDiff(taskId: string): Promise<void>;
  /** Show a run from LOOM_HOME (folded from its journal) / continue an interrupted one. */
  openRun(runId: string): Promise<void>;
  resumeRun(runId: string): Promise<void>;
}

export interface DashboardDeps {
  extensionUri: vscode.Uri;
  controller: RunController;
  /** The runs under LOOM_HOME, listed beside the current one. */
  runs: PastRuns;
  actions: DashboardActions;
  log: vscode.LogOutputChannel;
}

/**
 * Hosts the dashboard webview: strict CSP, resources only from dist/webview and media, a snapshot on
 * `webview/didReady`, then every run event. Every incoming message is validated before it is used.
 */
export class DashboardPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  /** A tab asked for before the webview was ready: shown after its snapshot. */
  private pendingTab: DashboardTab | null = null;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: DashboardDeps,
    private readonly onDispose: () => void,
  ) {
    panel.webview.options = webviewOptions(deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'loom.svg');
    panel.webview.html = this.html();
    const { controller } = deps;
    const onEvent = controller.onDidEvent((event) => {
      if (this.ready) this.post(hostMessages.emit(event));
    });
    const onReset = controller.onDidReset(() => {
      if (this.ready) this.sendSnapshot();
    });
    const onRuns = deps.runs.onDidChange((runs) => {
      if (this.ready) this.post(hostMessages.runs(runs, controller.runId));
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      { dispose: () => void onEvent.dispose() },
      { dispose: () => void onReset.dispose() },
      { dispose: () => void onRuns.dispose() },
    );
  }

  private html(): string {
    const { webview } = this.panel;
    const root = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
    return dashboardHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
    });
  }

  /** A message from the webview: validated, then routed to the actions. */
  receive(raw: unknown): void {
    const { actions, log } = this.deps;
    const fail = (what: string) => (err: unknown) => {
      log.error(`dashboard: ${what} failed: ${(err as Error).message}`);
      void vscode.window.showErrorMessage(`Loom: ${what} failed: ${(err as Error).message}`);
    };
    routeWebviewMessage(raw, {
      ready: () => this.sendSnapshot(),
      resolveEscalation: (id, choice) => void actions.resolveEscalation(id, choice).catch(fail(`resolving ${id}`)),
      reviewFinding: (taskId, index, decision) => actions.reviewFinding(taskId, index, decision),
      openFile: (path, line) => void actions.openFile(path, line).catch(fail(`opening ${path}`)),
      openDiff: (taskId) => void actions.openDiff(taskId).catch(fail(`opening the diff of ${taskId}`)),
      openRun: (runId) => void actions.openRun(runId).catch(fail(`opening run ${runId}`)),
      resumeRun: (runId) => void actions.resumeRun(runId).catch(fail(`resuming run ${runId}`)),
      invalid: (error) => log.warn(`dashboard: dropped a message: ${error}`),
    });
  }

  private sendSnapshot(): void {
    this.ready = true;
    const { controller } = this.deps;
    this.post(hostMessages.snapshot(controller.state, [...controller.events]));
    this.post(hostMessages.runs(this.deps.runs.runs, controller.runId));
    if (this.pendingTab) this.showTab(this.pendingTab);
  }

  showTab(tab: DashboardTab): void {
    this.pendingTab = this.ready ? null : tab;
    if (this.ready) this.post(hostMessages.showTab(tab));
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.deps.log.warn(`dashboard: post failed: ${(err as Error).message}`));
  }

  /** Stops listening but leaves the panel open, so VS Code can restore it after a reload. */
  detach(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.detach();
    this.panel.dispose();
    this.onDispose();
  }
}

/** At most one dashboard: shows it, creates it, or adopts the one VS Code restores after a reload. */
export class DashboardPanels implements vscode.Disposable {
  private current: DashboardPanel | null = null;
  private readonly serializer: vscode.Disposable;

  constructor(private readonly deps: DashboardDeps) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        this.adopt(panel);
      },
    });
  }

  get isOpen(): boolean {
    return this.current !== null;
  }

  /**
   * Delivers a message as the open dashboard's webview posts it (same validation, same routing), for
   * integration tests that cannot click inside the webview. False when no dashboard is open.
   */
  deliver(raw: unknown): boolean {
    if (!this.current) return false;
    this.current.receive(raw);
    return true;
  }

  /** Shows the dashboard, on `tab` when given (else on the tab it was on). */
  show(preserveFocus = false, tab?: DashboardTab): void {
    if (this.current) {
      this.current.panel.reveal(undefined, preserveFocus);
      if (tab) this.current.showTab(tab);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      'Loom Dashboard',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      { ...webviewOptions(this.deps.extensionUri), retainContextWhenHidden: true },
    );
    const created = this.adopt(panel);
    if (tab) created.showTab(tab);
  }

  private adopt(panel: vscode.WebviewPanel): DashboardPanel {
    this.current?.dispose();
    const created: DashboardPanel = new DashboardPanel(panel, this.deps, () => {
      if (this.current === created) this.current = null;
    });
    this.current = created;
    return created;
  }

  dispose(): void {
    this.serializer.dispose();
    this.current?.detach();
    this.current = null;
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
