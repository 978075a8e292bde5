import type { ImplementJob } from '../../protocol/workerMessages';
import { createProvider } from '../models/createProvider';
import { openAgentTools } from '../tools/mcpAgentTools';
import { sandboxRunner } from '../sandbox/sandboxRunner';
import { createPolicyGate } from '../policy/approvalGate';
import { checkpoint } from '../workspace/checkpoint';
import type { AgentJobContext, AgentJobEnd } from './agentJobContext';
import { runImplementor } from './implementorLoop';

/** An implementor in its worker: its own model client, its own MCP servers (cwd = its worktree), its own budget. */
export async function runImplementorJob(job: ImplementJob, ctx: AgentJobContext): Promise<AgentJobEnd> {
  // Its tool servers start once its first model request has left, not beside it: each is a fork of this
  // process and a node to boot, which a wave of agents otherwise does at the moment their first requests go out.
  let requestLeft = () => {};
  const firstRequest = new Promise<void>((resolve) => (requestLeft = resolve));
  const provider = createProvider(job.endpoint, ctx, job.budgetTokens, () => requestLeft());
  const ref = { agentId: job.agentId, taskId: job.task.id };
  const gate = createPolicyGate({
    policy: job.policy,
    allowlist: job.commandAllowlist,
    fileScope: job.task.fileScope,
    worktree: job.worktree,
    // Without a coordinator to ask (never in a run), nothing that needs approval goes ahead.
    ask: ctx.askApproval ?? (async () => ({ approved: false, by: 'policy', escalationId: null, message: 'nobody can approve actions for this agent' })),
    onDeny: (action, reason) => ctx.emit({ type: 'policy/didDecide', ...ref, action, outcome: 'denied', by: 'policy', escalationId: null, reason }),
  });
  let opened;
  try {
    opened = openAgentTools({
      servers: job.mcpServers,
      cwd: job.worktree,
      sandbox: sandboxRunner(job.sandbox),
      gate,
      supervision: job.mcpSupervision,
      startAfter: firstRequest,
      onServerStart: (server) =>
        ctx.emit({ type: 'mcp/didStart', agentId: job.agentId, taskId: job.task.id, server: server.name, pid: server.pid, cwd: server.cwd, tools: server.tools }),
      onServerFail: (failure) => ctx.emit({ type: 'mcp/didFail', ...ref, ...failure }),
      onServerRestart: (restart) => ctx.emit({ type: 'mcp/didRestart', ...ref, ...restart }),
    });
  } catch (err) {
    return notStarted(`could not start MCP servers: ${(err as Error).message}`);
  }
  const { tools } = opened;
  const whyNotStarted = opened.ready.then(
    () => null,
    (err: unknown) => `could not start MCP servers: ${(err as Error).message}`,
  );
  // With every server's tools known ahead (Loom's own server), the first model call goes out while they start.
  if (!opened.knownAhead) {
    const failed = await whyNotStarted;
    if (failed) return notStarted(failed);
  }
  try {
    const end = await runImplementor(job, {
      provider,
      tools,
      emit: ctx.emit,
      signal: ctx.signal,
      takeNotices: ctx.takeNotices,
      toolsReady: whyNotStarted,
      checkpoint: (turn, beforeCommit) => checkpoint(job.worktree, { message: `loom checkpoint: ${job.task.id} attempt ${job.attempt} turn ${turn}`, beforeCommit }),
    });
    return { outcome: end.outcome, usage: end.usage, output: end.result };
  } finally {
    requestLeft(); // a job that ends without a request: the start sees its tools closed
    await tools.dispose();
  }
}

function notStarted(message: string): AgentJobEnd {
  return { outcome: { kind: 'toolError', message, next: 'retry' }, usage: { inputTokens: 0, outputTokens: 0 }, output: null };
}
