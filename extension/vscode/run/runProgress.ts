import * as vscode from 'vscode';
import type { RunState } from '../../protocol/runState';
import type { RunController } from './runController';
import { progressMessage } from './progressMessage';

/** A cancellable progress notification for as long as `done` is pending; cancel stops the run. */
export function showRunProgress(controller: RunController, runId: string, done: Promise<unknown>): void {
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Loom run ${runId}`, cancellable: true },
    async (progress, token) => {
      const cancel = token.onCancellationRequested(() => void controller.stop());
      let last = '';
      const report = (state: RunState) => {
        const message = progressMessage(state);
        if (message !== last) progress.report({ message });
        last = message;
      };
      const subscription = controller.onDidChangeState(report);
      report(controller.state);
      try {
        await done;
      } finally {
        subscription.dispose();
        cancel.dispose();
      }
    },
  );
}
