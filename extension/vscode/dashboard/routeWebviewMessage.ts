import { parseWebviewMessage, type EscalationChoice } from '../../protocol/webviewMessages';
import { assertNever } from '../../protocol/reduce';

/** What the host does with each message the dashboard may send. */
export interface WebviewMessageHandlers {
  ready(): void;
  resolveEscalation(escalationId: string, choice: EscalationChoice): void;
  reviewFinding(taskId: string, index: number, decision: 'accepted' | 'dismissed'): void;
  openFile(path: string, line: number | undefined): void;
  openDiff(taskId: string): void;
  openRun(runId: string): void;
  resumeRun(runId: string): void;
  /** A message that failed validation: logged and dropped. */
  invalid(error: string): void;
}

/** Validates one incoming message against the protocol schema and dispatches it. */
export function routeWebviewMessage(input: unknown, handlers: WebviewMessageHandlers): void {
  const parsed = parseWebviewMessage(input);
  if (!parsed.ok) {
    handlers.invalid(parsed.error);
    return;
  }
  const message = parsed.message;
  switch (message.type) {
    case 'webview/didReady':
      return handlers.ready();
    case 'escalation/resolve':
      return handlers.resolveEscalation(message.escalationId, message.choice);
    case 'finding/review':
      return handlers.reviewFinding(message.taskId, message.index, message.decision);
    case 'file/open':
      return handlers.openFile(message.path, message.line);
    case 'diff/open':
      return handlers.openDiff(message.taskId);
    case 'run/open':
      return handlers.openRun(message.runId);
    case 'run/resume':
      return handlers.resumeRun(message.runId);
    default:
      return assertNever(message);
  }
}
