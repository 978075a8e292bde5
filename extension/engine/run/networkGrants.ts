import type { McpServerConfig } from '../../protocol/workerMessages';
import type { ActionPolicy } from '../../protocol/policy';
import type { EventBody, RunEvent } from '../../protocol/events';
import { classifyAction } from '../policy/actionPolicy';
import type { ApprovalBroker } from './approvalBroker';

/**
 * The network each user-configured MCP server gets, decided before an agent starts it: a server
 * configured with network beyond loopback keeps it only when the policy allows it or a person
 * approves (once per server per run); otherwise it starts with loopback only. Classification
 * only: the sandbox enforces what the returned configs say.
 */
export async function grantNetwork(
  servers: readonly McpServerConfig[],
  ctx: { policy: ActionPolicy; approvals: ApprovalBroker; journal: (body: EventBody) => RunEvent; agentId: string; taskId?: string },
): Promise<McpServerConfig[]> {
  return Promise.all(
    servers.map(async (server) => {
      if (!server.network || server.network === 'loopback') return server;
      const action = { kind: 'network' as const, server: server.name, network: server.network };
      const { decision, reason } = classifyAction(action, ctx.policy, []);
      if (decision === 'allow') return server;
      if (decision === 'approve') {
        const answer = await ctx.approvals.requestOnce(`network:${server.name}`, { agentId: ctx.agentId, taskId: ctx.taskId, action, reason });
        if (answer.approved) return server;
      } else {
        ctx.journal({ type: 'policy/didDecide', agentId: ctx.agentId, taskId: ctx.taskId, action, outcome: 'denied', by: 'policy', escalationId: null, reason });
      }
      return { ...server, network: 'loopback' };
    }),
  );
}
