import * as vscode from 'vscode';
import type { RunController } from '../run/runController';
import { traceText } from './traceText';

const SCHEME = 'loom-trace';

/** Read-only text documents with one agent's or task's trace, from the run's events. */
export class TraceDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);

  constructor(private readonly controller: RunController) {}

  async show(filter: { agentId?: string; taskId?: string }): Promise<void> {
    const name = filter.agentId ? `agent-${filter.agentId}` : `task-${filter.taskId}`;
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name}.log`, query: JSON.stringify(filter) });
    this.changed.fire(uri); // a document shown before shows the events since then
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    let filter: { agentId?: string; taskId?: string } = {};
    try {
      filter = JSON.parse(uri.query) as { agentId?: string; taskId?: string };
    } catch {
      return '';
    }
    return traceText(this.controller.events, filter);
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
