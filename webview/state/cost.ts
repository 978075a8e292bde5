import { costUsd } from '../../extension/protocol/pricing';
import type { AgentState, RunState } from '../../extension/protocol/runState';

/** An agent's cost in USD from the shared price table; null when its model has no price. */
export function agentCost(agent: AgentState): number | null {
  return costUsd(agent.model, agent.usage);
}

export interface RunSpend {
  inputTokens: number;
  outputTokens: number;
  /** Sum over agents whose model has a price. */
  cost: number;
  /** Agents whose model has no price: their tokens count, their cost is unknown. */
  unpricedAgentIds: string[];
}

export function runSpend(run: RunState): RunSpend {
  let inputTokens = 0;
  let outputTokens = 0;
  let cost = 0;
  const unpricedAgentIds: string[] = [];
  for (const agent of run.agents) {
    inputTokens += agent.usage.inputTokens;
    outputTokens += agent.usage.outputTokens;
    const c = agentCost(agent);
    if (c === null) {
      if (agent.usage.inputTokens + agent.usage.outputTokens > 0) unpricedAgentIds.push(agent.agentId);
    } else cost += c;
  }
  return { inputTokens, outputTokens, cost, unpricedAgentIds };
}
