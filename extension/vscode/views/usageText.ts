import { costUsd, formatUsd } from '../../protocol/pricing';
import type { AgentState } from '../../protocol/runState';

export interface Spend {
  tokens: number;
  /** Null when some agent's model has no known price. */
  cost: number | null;
}

/** Tokens and cost of some agents; cost is null as soon as one agent's model has no price. */
export function spendOf(agents: readonly AgentState[]): Spend {
  let tokens = 0;
  let cost: number | null = 0;
  for (const agent of agents) {
    tokens += agent.usage.inputTokens + agent.usage.outputTokens;
    const c = costUsd(agent.model, agent.usage);
    cost = cost === null || c === null ? null : cost + c;
  }
  return { tokens, cost };
}

/** 950 → "950", 12_345 → "12.3k", 2_500_000 → "2.5M". */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 1_000_000) return `${(tokens / 1000).toFixed(tokens < 10_000 ? 2 : 1)}k`;
  return `${(tokens / 1_000_000).toFixed(1)}M`;
}

export function formatSpend(spend: Spend): string {
  return `${formatTokens(spend.tokens)} tok · ${formatUsd(spend.cost)}`;
}
