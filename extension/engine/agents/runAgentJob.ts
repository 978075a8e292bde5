import type { AgentJob } from '../../protocol/workerMessages';
import type { AgentJobContext, AgentJobEnd } from './agentJobContext';

/**
 * Dispatches a worker's job to its role. Each role's code is loaded with its first job, so a worker
 * loads only what its role needs (a coordinator never loads the MCP client or the verifier's checks).
 */
export async function runAgentJob(job: AgentJob, ctx: AgentJobContext): Promise<AgentJobEnd> {
  switch (job.role) {
    case 'coordinator':
      return (await import('./coordinatorJob')).runCoordinatorJob(job, ctx);
    case 'testAuthor':
    case 'implementor':
    case 'merger':
      return (await import('./implementorJob')).runImplementorJob(job, ctx);
    case 'verifier':
      return (await import('./verifierJob')).runVerifierJob(job, ctx);
    default: {
      const unhandled: never = job;
      throw new Error(`unknown role in ${JSON.stringify(unhandled)}`);
    }
  }
}
