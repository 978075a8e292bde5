import * as vscode from 'vscode';
import type { RunController } from '../run/runController';
import { findingDiagnostics, findingKey } from './findingDiagnostics';
import { taskLeases } from './taskLeases';

const severities = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;

/** The verifier's findings as Diagnostics on the task's files (Problems panel). */
export class FindingsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('loom');
  private readonly subscriptions: { dispose(): unknown }[] = [];

  constructor(private readonly controller: RunController) {
    this.subscriptions.push(
      controller.onDidEvent((event) => {
        if (event.type === 'verify/didFinish' || event.type === 'finding/didReview' || event.type === 'lease/didRemove' || event.type === 'run/didFinish') this.refresh();
      }),
      controller.onDidReset(() => this.refresh()),
    );
    this.refresh();
  }

  /** A person accepted or dismissed a finding: a dismissed one leaves the Problems panel. */
  review(taskId: string, index: number, decision: 'accepted' | 'dismissed'): void {
    // Journaled; the refresh follows from the finding/didReview event.
    this.controller.reviewFinding(taskId, index, decision, 'user');
  }

  private refresh(): void {
    this.collection.clear();
    const state = this.controller.state;
    const dismissed = new Set(
      state.tasks.flatMap((t) => t.reviews.filter((r) => r.decision === 'dismissed').map((r) => findingKey(t.task.id, r.index))),
    );
    const byFile = findingDiagnostics(state, taskLeases(this.controller.events), dismissed);
    for (const [path, list] of byFile) {
      this.collection.set(
        vscode.Uri.file(path),
        list.map((f) => {
          const d = new vscode.Diagnostic(new vscode.Range(f.line, 0, f.line, Number.MAX_SAFE_INTEGER), f.message, severities[f.severity]);
          d.source = `loom verifier (${f.taskId})`;
          d.code = f.rule;
          return d;
        }),
      );
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
