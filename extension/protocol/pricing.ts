/**
 * Prices in US dollars per million tokens, for cost attribution per agent. The conventions define no
 * cost attribute, so cost is Loom's own (`loom.cost.usd`). Unknown models have no price: cost is null,
 * never a guess.
 */
// Most specific first: a model takes the first entry whose pattern matches (gpt-4.1-nano is not gpt-4.1).
const PRICES: readonly { match: RegExp; input: number; output: number }[] = [
  { match: /^loom-sim/, input: 1, output: 4 },
  { match: /^gpt-5-nano/, input: 0.05, output: 0.4 },
  { match: /^gpt-5-mini/, input: 0.25, output: 2 },
  { match: /^gpt-5(?![\w.-]*(nano|mini))/, input: 1.25, output: 10 },
  { match: /^gpt-4\.1-nano/, input: 0.1, output: 0.4 },
  { match: /^gpt-4\.1-mini/, input: 0.4, output: 1.6 },
  { match: /^gpt-4\.1(?![\w.-]*(nano|mini))/, input: 2, output: 8 },
  { match: /^gpt-4o-mini/, input: 0.15, output: 0.6 },
  { match: /^gpt-4o(?!-mini)/, input: 2.5, output: 10 },
  { match: /^o4-mini/, input: 1.1, output: 4.4 },
  { match: /^o3-mini/, input: 1.1, output: 4.4 },
  { match: /^o3(?!-mini)/, input: 2, output: 8 },
];

export function costUsd(model: string, usage: { inputTokens: number; outputTokens: number }): number | null {
  const price = PRICES.find((p) => p.match.test(model));
  if (!price) return null;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

/** A cost for people: an unpriced model is "unpriced", never "$0". */
export function formatUsd(cost: number | null): string {
  return cost === null ? 'unpriced' : `$${cost.toFixed(4)}`;
}
