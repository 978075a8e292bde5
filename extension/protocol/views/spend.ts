import { costUsd, formatUsd, type PriceTable } from '../pricing';
import type { AgentState } from '../runState';

/**
 * One agent's cost in US dollars from its folded usage, at the run's prices (RunState.prices; null:
 * the default table); null when its model has no price.
 */
export function costOfAgent(agent: AgentState, prices: PriceTable | null): number | null {
  return costUsd(agent.model, agent.usage, prices ?? undefined);
}

/** Tokens and cost of some agents: what the CLI report, the status bar, the sidebar and the dashboard all show. */
export interface Spend {
  inputTokens: number;
  /** The part of inputTokens read from providers' prompt caches (0 when none reported any). */
  cachedInputTokens: number;
  outputTokens: number;
  tokens: number;
  /** Dollars of the agents whose model has a price. */
  pricedUsd: number;
  /** Agents that used tokens on a model without a price: their cost is unknown, never $0. */
  unpricedAgentIds: string[];
}

/** The one spend computation over folded agents (cost comes from costOfAgent, nowhere else). */
export function spendOf(agents: readonly AgentState[], prices: PriceTable | null): Spend {
  const spend: Spend = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, tokens: 0, pricedUsd: 0, unpricedAgentIds: [] };
  for (const agent of agents) {
    spend.inputTokens += agent.usage.inputTokens;
    spend.cachedInputTokens += agent.usage.cachedInputTokens ?? 0;
    spend.outputTokens += agent.usage.outputTokens;
    const cost = costOfAgent(agent, prices);
    if (cost !== null) spend.pricedUsd += cost;
    else if (agent.usage.inputTokens + agent.usage.outputTokens > 0) spend.unpricedAgentIds.push(agent.agentId);
  }
  spend.tokens = spend.inputTokens + spend.outputTokens;
  return spend;
}

/** The cost of a spend for people: "$0.1168", "unpriced" when nothing used is priced, "$0.1168 + unpriced" when part is. */
export function formatCost(spend: Spend): string {
  if (spend.unpricedAgentIds.length === 0) return formatUsd(spend.pricedUsd);
  if (spend.pricedUsd === 0) return formatUsd(null);
  return `${formatUsd(spend.pricedUsd)} + ${formatUsd(null)}`;
}
