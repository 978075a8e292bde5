import * as vscode from 'vscode';
import type { RunState } from '../../protocol/runState';
import { choicesForEscalation } from '../../protocol/webviewMessages';
import { CHOICE_LABEL } from '../../protocol/views/choiceLabels';

/**
 * Resolve Escalation… from the sidebar names the escalation but not the answer: ask for it among
 * the answers that escalation accepts. Arguments that carry a choice (the command API) pass
 * through; null when the person cancelled.
 */
export async function withPickedChoice(state: RunState, arg: unknown): Promise<unknown> {
  if (typeof arg !== 'object' || arg === null) return arg;
  const { escalationId, choice } = arg as { escalationId?: unknown; choice?: unknown };
  if (typeof escalationId !== 'string' || choice !== undefined) return arg;
  const escalation = state.escalations.find((e) => e.escalationId === escalationId);
  if (!escalation) throw new Error(`the current run has no escalation ${escalationId}`);
  if (escalation.resolution !== null) throw new Error(`${escalationId} is already resolved (${escalation.resolution})`);
  const picked = await vscode.window.showQuickPick(
    choicesForEscalation(escalation.kind, escalation.options).map((c) => ({ label: CHOICE_LABEL[c], description: c, choice: c })),
    { title: `Loom: resolve ${escalationId} (${escalation.kind})`, placeHolder: escalation.question },
  );
  return picked ? { escalationId, choice: picked.choice } : null;
}
