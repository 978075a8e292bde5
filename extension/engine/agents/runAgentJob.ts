import type { AgentJob } from '../../protocol/workerMessages';
import type { AgentJobContext, AgentJobEnd } from './agentJobContext';
import { runCoordinatorJob } from './coordinatorJob';
import { runImplementorJob } from './implementorJob';
import { runVerifierJob } from './verifierJob';

/** Dispatches a worker's job to its role. */
export function runAgentJob(job: AgentJob, ctx: AgentJobContext): Promise<AgentJobEnd> {
  switch (job.role) {
    case 'coordinator':
      return runCoordinatorJob(job, ctx);
    case 'testAuthor':
    case 'implementor':
    case 'merger':
      return runImplementorJob(job, ctx);
    case 'verifier':
      return runVerifierJob(job, ctx);
    default: {
      const unhandled: never = job;
      throw new Error(`unknown role in ${JSON.stringify(unhandled)}`);
    }
  }
}
