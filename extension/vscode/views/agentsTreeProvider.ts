import * as vscode from 'vscode';
import type { RunController } from '../run/runController';
import { childNodes, rootNodes, type AgentsNode } from './agentsTreeModel';

/** The Agents view: runs → tasks → agents, derived from the run's state on every change. */
export class AgentsTreeProvider implements vscode.TreeDataProvider<AgentsNode>, vscode.Disposable {
  private readonly onDidChangeTreeDataEmitter = new vscode.EventEmitter<AgentsNode | undefined>();
  readonly onDidChangeTreeData = this.onDidChangeTreeDataEmitter.event;
  private readonly subscriptions: { dispose(): unknown }[] = [];
  private pending: NodeJS.Timeout | null = null;

  constructor(private readonly controller: RunController) {
    // Events arrive in bursts (streaming agents); refresh at most every 150 ms.
    this.subscriptions.push(controller.onDidChangeState(() => this.scheduleRefresh()));
  }

  private scheduleRefresh(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.onDidChangeTreeDataEmitter.fire(undefined);
    }, 150);
  }

  getTreeItem(node: AgentsNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.collapsible ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    item.contextValue = node.contextValue;
    if (node.command) item.command = node.command;
    return item;
  }

  getChildren(node?: AgentsNode): AgentsNode[] {
    const state = this.controller.state;
    return node ? childNodes(state, node) : rootNodes(state);
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const s of this.subscriptions) s.dispose();
    this.onDidChangeTreeDataEmitter.dispose();
  }
}
