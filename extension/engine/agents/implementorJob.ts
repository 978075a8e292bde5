import type { ImplementJob } from '../../protocol/workerMessages';
import { createProvider } from '../models/createProvider';
import { startAgentTools } from '../tools/mcpAgentTools';
import { checkpoint } from '../workspace/checkpoint';
import { DEPENDENCY_DIRS } from '../workspace/linkDependencies';
import type { AgentJobContext, AgentJobEnd } from './agentJobContext';
import { runImplementor } from './implementorLoop';

/** An implementor in its worker: its own model client, its own MCP servers (cwd = its worktree), its own budget. */
export async function runImplementorJob(job: ImplementJob, ctx: AgentJobContext): Promise<AgentJobEnd> {
  const provider = createProvider(job.endpoint, ctx.askHost);
  let tools;
  try {
    tools = await startAgentTools({
      servers: job.mcpServers,
      cwd: job.worktree,
      onServerStart: (server) =>
        ctx.emit({ type: 'mcp/didStart', agentId: job.agentId, taskId: job.task.id, server: server.name, pid: server.pid, cwd: server.cwd, tools: server.tools }),
    });
  } catch (err) {
    return {
      outcome: { kind: 'toolError', message: `could not start MCP servers: ${(err as Error).message}`, next: 'retry' },
      usage: { inputTokens: 0, outputTokens: 0 },
      output: null,
    };
  }
  try {
    const end = await runImplementor(job, {
      provider,
      tools,
      emit: ctx.emit,
      signal: ctx.signal,
      checkpoint: (turn) => checkpoint(job.worktree, { message: `loom checkpoint: ${job.task.id} attempt ${job.attempt} turn ${turn}`, exclude: DEPENDENCY_DIRS }),
    });
    return { outcome: end.outcome, usage: end.usage, output: end.result };
  } finally {
    await tools.dispose();
  }
}
