import { z } from 'zod';

/**
 * Prices in US dollars per million tokens, for cost attribution and dollar budgets. The conventions
 * define no cost attribute, so cost is Loom's own (`loom.cost.usd`). Unknown models have no price:
 * cost is null, never a guess. The table is configurable (docs/budgets.md); this is the default.
 */
export const PriceSchema = z.strictObject({
  input: z.number({ error: 'must be dollars per million input tokens' }).nonnegative('must be 0 or more'),
  output: z.number({ error: 'must be dollars per million output tokens' }).nonnegative('must be 0 or more'),
  /** Dollars per million input tokens read from the provider's prompt cache. Absent: cached tokens cost as `input`. */
  cachedInput: z.number({ error: 'must be dollars per million cached input tokens' }).nonnegative('must be 0 or more').optional(),
});
export type Price = z.infer<typeof PriceSchema>;

/** Keys are a model name, or a prefix ending in `*`; the exact name wins, then the longest prefix (gpt-4.1-nano is not gpt-4.1). */
export const PriceTableSchema = z.record(z.string().regex(/^[^*]+\*?$/, 'must be a model name, or a prefix ending in a single *'), PriceSchema);
export type PriceTable = z.infer<typeof PriceTableSchema>;

/**
 * Published list prices (standard tier) as of late 2025, with OpenAI's cached-input prices. Entries
 * without one (the Claude ones here) price cached tokens as input: an upper bound, never a guess.
 * The simulator's model prices cache reads at a tenth, like OpenAI's newest models.
 */
export const DEFAULT_PRICES: PriceTable = {
  'loom-sim*': { input: 1, output: 4, cachedInput: 0.1 },
  'gpt-5*': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-mini*': { input: 0.25, output: 2, cachedInput: 0.025 },
  'gpt-5-nano*': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  'gpt-4.1*': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini*': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano*': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'gpt-4o*': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini*': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'o4-mini*': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  'o3*': { input: 2, output: 8, cachedInput: 0.5 },
  'o3-mini*': { input: 1.1, output: 4.4, cachedInput: 0.55 },
  'claude-sonnet-4*': { input: 3, output: 15 },
  'claude-opus-4*': { input: 15, output: 75 },
  'claude-3-5-haiku*': { input: 0.8, output: 4 },
};

/** The entry that prices `model`, or null when none does. */
export function priceOf(model: string, table: PriceTable = DEFAULT_PRICES): Price | null {
  if (Object.hasOwn(table, model)) return table[model];
  let best: { length: number; price: Price } | null = null;
  for (const [key, price] of Object.entries(table)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (model.startsWith(prefix) && (!best || prefix.length > best.length)) best = { length: prefix.length, price };
  }
  return best?.price ?? null;
}

/**
 * The one cost of usage: dollars, or null for an unpriced model. Cached input tokens (a part of
 * `inputTokens`) cost `cachedInput` when the price has one, else the same as other input tokens.
 */
export function costUsd(model: string, usage: { inputTokens: number; outputTokens: number; cachedInputTokens?: number }, table: PriceTable = DEFAULT_PRICES): number | null {
  const price = priceOf(model, table);
  if (!price) return null;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const cachedPrice = price.cachedInput ?? price.input;
  return ((usage.inputTokens - cached) * price.input + cached * cachedPrice + usage.outputTokens * price.output) / 1_000_000;
}

/** Later tables override earlier ones entry by entry (defaults, then LOOM_HOME/prices.json, then a setting or flag). */
export function mergePriceTables(...tables: (PriceTable | undefined)[]): PriceTable {
  return Object.assign({}, ...tables.filter(Boolean)) as PriceTable;
}

/** A cost for people: an unpriced model is "unpriced", never "$0". */
export function formatUsd(cost: number | null): string {
  return cost === null ? 'unpriced' : `$${cost.toFixed(4)}`;
}
