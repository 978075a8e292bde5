import * as vscode from 'vscode';
import type { RunController } from '../run/runController';
import { findingDiagnostics, findingKey, type FindingPlace } from './findingDiagnostics';
import { gitFindingSources } from './findingSources';
import { GitContentProvider } from './gitContentProvider';
import { taskLeases } from './taskLeases';

const severities = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;

/**
 * The verifier's findings as Diagnostics on the user's checkout (Problems panel), lines carried
 * through the diff from the task branch. They belong to the run shown: a new run replaces them, and
 * cleaning the run up removes them.
 */
export class FindingsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('loom');
  private readonly subscriptions: { dispose(): unknown }[] = [];
  private readonly cleaned = new Set<string>();
  private readonly onDidCleanEmitter = new vscode.EventEmitter<string>();
  /** A run was cleaned up: whatever shows its findings lets go of them. */
  readonly onDidClean = this.onDidCleanEmitter.event;
  private generation = 0;

  constructor(private readonly controller: RunController) {
    this.subscriptions.push(
      controller.onDidEvent((event) => {
        if (event.type === 'verify/didFinish' || event.type === 'finding/didReview' || event.type === 'merge/didMerge' || event.type === 'run/didFinish') this.refresh();
      }),
      controller.onDidReset(() => this.refresh()),
      // The user's copy moved on: carry the lines again.
      vscode.workspace.onDidSaveTextDocument(() => this.refresh()),
      this.onDidCleanEmitter,
    );
    this.refresh();
  }

  /** A person accepted or dismissed a finding: a dismissed one leaves the Problems panel. */
  review(taskId: string, index: number, decision: 'accepted' | 'dismissed'): void {
    // Journaled; the refresh follows from the finding/didReview event.
    this.controller.reviewFinding(taskId, index, decision, 'user');
  }

  /** Clean Up Run removed the run's worktrees: its findings leave the Problems panel and the editors. */
  forgetRun(runId: string): void {
    this.cleaned.add(runId);
    this.onDidCleanEmitter.fire(runId);
    this.refresh();
  }

  isCleaned(runId: string | null): boolean {
    return runId !== null && this.cleaned.has(runId);
  }

  private refresh(): void {
    const generation = ++this.generation;
    const state = this.controller.state;
    if (this.isCleaned(state.runId)) {
      this.collection.clear();
      return;
    }
    const dismissed = new Set(
      state.tasks.flatMap((t) => t.reviews.filter((r) => r.decision === 'dismissed').map((r) => findingKey(t.task.id, r.index))),
    );
    void findingDiagnostics(state, taskLeases(this.controller.events), gitFindingSources, dismissed).then((byPlace) => {
      // A later refresh (another event, another run) wins.
      if (generation !== this.generation) return;
      this.collection.clear();
      for (const { place, diagnostics } of byPlace.values()) {
        this.collection.set(
          placeUri(place),
          diagnostics.map((f) => {
            const d = new vscode.Diagnostic(new vscode.Range(f.line, 0, f.line, Number.MAX_SAFE_INTEGER), f.message, severities[f.severity]);
            d.source = `loom verifier (${f.taskId})`;
            d.code = f.rule;
            return d;
          }),
        );
      }
    });
  }

  dispose(): void {
    this.generation++;
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}

/** Where a finding's place opens: the file in the checkout, or its read-only copy on the task branch. */
export function placeUri(place: FindingPlace): vscode.Uri {
  return place.kind === 'checkout' ? vscode.Uri.file(place.path) : GitContentProvider.uri(place.ref);
}
