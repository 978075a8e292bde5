import type { EventBody, RunEvent } from '../../protocol/events';
import type { Action, ActionPolicy } from '../../protocol/policy';
import { classifyAction } from '../policy/actionPolicy';
import type { ApprovalBroker } from './approvalBroker';

/**
 * A run-level decision the policy names (extend a budget, resume a paused run): `allow` and `deny`
 * are journaled as the policy's decision, `approve` asks a person through the run's escalation
 * service and waits. Returns whether it may go ahead, and who said so.
 */
export async function decideByPolicy(
  deps: { policy: ActionPolicy; approvals: ApprovalBroker; journal: (body: EventBody) => RunEvent },
  request: { agentId: string; taskId?: string; action: Action },
): Promise<{ approved: boolean; by: string }> {
  const { agentId, taskId, action } = request;
  const { decision, reason } = classifyAction(action, deps.policy, []);
  if (decision === 'approve') {
    const answer = await deps.approvals.request({ agentId, taskId, action, reason });
    return { approved: answer.approved, by: answer.by };
  }
  const approved = decision === 'allow';
  deps.journal({ type: 'policy/didDecide', agentId, taskId, action, outcome: approved ? 'approved' : 'denied', by: 'policy', escalationId: null, reason });
  return { approved, by: 'policy' };
}
