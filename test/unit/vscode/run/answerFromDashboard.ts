import assert from 'node:assert/strict';
import { webviewMessages, type EscalationChoice } from '../../../../extension/protocol/webviewMessages';
import { routeWebviewMessage } from '../../../../extension/vscode/dashboard/routeWebviewMessage';
import type { RunController } from '../../../../extension/vscode/run/runController';

/**
 * An escalation answered as the dashboard's card sends it: the message it posts, as plain data,
 * through the host's validated route to the controller. Resolves with the controller's answer.
 */
export function answerFromDashboard(controller: RunController, escalationId: string, choice: EscalationChoice): Promise<unknown> {
  const posted: unknown = JSON.parse(JSON.stringify(webviewMessages.resolveEscalation(escalationId, choice)));
  const answers: Promise<unknown>[] = [];
  const unexpected = () => assert.fail('the dashboard sent something other than an escalation answer');
  routeWebviewMessage(posted, {
    ready: unexpected,
    resolveEscalation: (id, c) => answers.push(controller.resolveEscalation(id, c, 'user')),
    reviewFinding: unexpected,
    openFile: unexpected,
    openDiff: unexpected,
    openRun: unexpected,
    resumeRun: unexpected,
    invalid: (error) => assert.fail(error),
  });
  assert.equal(answers.length, 1);
  return answers[0];
}
