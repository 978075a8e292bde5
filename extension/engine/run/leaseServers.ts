import type { McpServerConfig } from '../../protocol/workerMessages';
import type { Lease } from '../workspace/lease';
import { agentServers } from './agentConfinement';
import { grantNetwork } from './networkGrants';
import type { RunContext } from './runContext';

/**
 * The MCP servers of an agent working in a task's lease (Loom's tool server first, then the
 * user's), each confined to that lease. A user server's network beyond loopback is the policy's
 * (or a person's) to grant, asked per agent.
 */
export async function leaseServers(ctx: RunContext, taskId: string, lease: Lease, agentId: string): Promise<McpServerConfig[]> {
  const granted = await grantNetwork(ctx.options.mcpServers, { policy: ctx.policy, approvals: ctx.approvals, journal: ctx.journal, agentId, taskId });
  return agentServers({
    sandbox: ctx.sandbox,
    options: { ...ctx.options, mcpServers: granted },
    runId: ctx.runId,
    agentId,
    lease: lease.path,
    runDir: ctx.paths.runDir,
    leaseKey: taskId,
  });
}
