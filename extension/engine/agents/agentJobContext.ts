import type { EventBody } from '../../protocol/events';
import type { AgentOutcome, Usage } from '../../protocol/usage';

/** What a worker gives the job it runs. */
export interface AgentJobContext {
  threadId: number;
  signal: AbortSignal;
  emit: (event: EventBody) => void;
}

export interface AgentJobEnd {
  outcome: AgentOutcome;
  usage: Usage;
  output: unknown;
}
