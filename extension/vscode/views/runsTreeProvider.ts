import * as vscode from 'vscode';
import type { RunController } from '../run/runController';
import type { PastRuns } from '../run/pastRuns';
import { runsNodes, type RunsNode } from './runsTreeModel';

/** The Runs view: every run in LOOM_HOME; a click reopens one in the dashboard, Resume continues an interrupted one. */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly onDidChangeTreeDataEmitter = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.onDidChangeTreeDataEmitter.event;
  private readonly subscriptions: { dispose(): unknown }[];

  constructor(
    private readonly runs: PastRuns,
    private readonly controller: RunController,
  ) {
    this.subscriptions = [runs.onDidChange(() => this.onDidChangeTreeDataEmitter.fire(undefined))];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    item.contextValue = node.contextValue;
    item.command = { command: 'loom.openRun', title: 'Open Run', arguments: [{ runId: node.runId }] };
    return item;
  }

  getChildren(node?: RunsNode): RunsNode[] {
    return node ? [] : runsNodes(this.runs.runs, this.controller.runId);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.onDidChangeTreeDataEmitter.dispose();
  }
}
