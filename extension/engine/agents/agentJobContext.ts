import type { EventBody } from '../../protocol/events';
import type { AgentOutcome, Usage } from '../../protocol/usage';
import type { AskHost } from '../models/relayProvider';
import type { AskApproval } from '../policy/approvalGate';
import type { ModelGate } from '../models/modelGate';

/** What a worker gives the job it runs. */
export interface AgentJobContext {
  threadId: number;
  signal: AbortSignal;
  emit: (event: EventBody) => void;
  /** Reaches a model the host holds (endpoint.relay), through the coordinator. */
  askHost?: AskHost;
  /** Asks the coordinator for a person's approval of an action the policy says needs one, and waits. */
  askApproval?: AskApproval;
  /** The run's admission of every model call (run and dollar budgets, circuit breaker, rate limit), held by the coordinator. */
  gate?: ModelGate;
  /** What the coordinator told the agent since it last asked (e.g. a predicted conflict): an implementor says it to its model at its next turn. */
  takeNotices?: () => string[];
}

export interface AgentJobEnd {
  outcome: AgentOutcome;
  usage: Usage;
  output: unknown;
}
