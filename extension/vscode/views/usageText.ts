import { formatCost, type Spend } from '../../protocol/views/spend';

/** 950 → "950", 12_345 → "12.3k", 2_500_000 → "2.5M". */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 1_000_000) return `${(tokens / 1000).toFixed(tokens < 10_000 ? 2 : 1)}k`;
  return `${(tokens / 1_000_000).toFixed(1)}M`;
}

/** Tokens and cost in one short phrase, for the status bar and the sidebar. */
export function formatSpend(spend: Spend): string {
  return `${formatTokens(spend.tokens)} tok · ${formatCost(spend)}`;
}
