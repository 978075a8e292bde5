import type { EventBody } from '../../protocol/events';
import type { AgentOutcome, Usage } from '../../protocol/usage';
import type { AskHost } from '../models/relayProvider';

/** What a worker gives the job it runs. */
export interface AgentJobContext {
  threadId: number;
  signal: AbortSignal;
  emit: (event: EventBody) => void;
  /** Reaches a model the host holds (endpoint.relay), through the coordinator. */
  askHost?: AskHost;
}

export interface AgentJobEnd {
  outcome: AgentOutcome;
  usage: Usage;
  output: unknown;
}
