/**
 * Prices in US dollars per million tokens, for cost attribution per agent. The conventions define no
 * cost attribute, so cost is Loom's own (`loom.cost.usd`). Unknown models have no price: cost is null,
 * never a guess.
 */
const PRICES: readonly { match: RegExp; input: number; output: number }[] = [
  { match: /^loom-sim/, input: 1, output: 4 },
  { match: /^gpt-4o-mini/, input: 0.15, output: 0.6 },
  { match: /^gpt-4o/, input: 2.5, output: 10 },
  { match: /^gpt-4\.1-mini/, input: 0.4, output: 1.6 },
  { match: /^gpt-4\.1/, input: 2, output: 8 },
  { match: /^o4-mini/, input: 1.1, output: 4.4 },
];

export function costUsd(model: string, usage: { inputTokens: number; outputTokens: number }): number | null {
  const price = PRICES.find((p) => p.match.test(model));
  if (!price) return null;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

export function formatUsd(cost: number | null): string {
  return cost === null ? '—' : `$${cost.toFixed(4)}`;
}
