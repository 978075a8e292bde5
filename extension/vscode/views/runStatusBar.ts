import * as vscode from 'vscode';
import type { RunController } from '../run/runController';
import { statusBarContent } from './statusBarText';

/** The status bar item: running agents, tokens and cost; click opens the dashboard. */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('loom.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: { dispose(): unknown };

  constructor(private readonly controller: RunController) {
    this.item.name = 'Loom';
    this.item.command = 'loom.openDashboard';
    this.subscription = controller.onDidChangeState(() => this.update());
    this.update();
  }

  private update(): void {
    const content = statusBarContent(this.controller.state);
    this.item.text = content.text;
    this.item.tooltip = content.tooltip;
    if (content.visible) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
