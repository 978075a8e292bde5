import { DEFAULT_RUN_SETTINGS, PREDICTED_CONFLICT_POLICIES, type PredictedConflictPolicy } from '../../engine/run/runOptions';
import { DEFAULT_ACTION_POLICY, type ActionPolicy } from '../../protocol/policy';
import { parsePolicy, PolicyError } from '../../engine/policy/actionPolicy';
import type { RunLimits } from '../../engine/run/runBudget';
import type { PriceTable } from '../../protocol/pricing';
import { parsePriceTable, PriceTableError } from '../../engine/models/priceTableFile';

/** Loom's settings, validated; the API key is never a setting (SecretStorage). */
export interface LoomSettings {
  baseUrl: string;
  model: string;
  concurrency: number;
  taskTokens: number;
  commandAllowlist: string[];
  verifierModel: string;
  lintCommand: string[] | null;
  /** `loom.commandTimeoutSeconds`: how long one command (an agent's, a test run) may take. */
  commandTimeoutMs: number;
  /** `loom.verifier.flakeReruns`: extra runs of a fail-to-pass test on the branch. */
  flakeReruns: number;
  /** `loom.setupCommand`: shell text run in each fresh lease; empty: the repository's .loom/setup. */
  setupCommand: string;
  /** `loom.policy` (docs/policy.md), validated; the defaults when it is not set. */
  policy: ActionPolicy;
  /** Why `loom.policy` cannot be used: a run refuses to start rather than guess a weaker policy. */
  policyError: string | null;
  /** `loom.budgets.taskUsd`: a task's dollars across its agents; absent: none. */
  taskUsd: number | undefined;
  /** `loom.limits.*` (docs/budgets.md): run budgets, per-agent dollars, the circuit breaker, tokens per minute. */
  limits: RunLimits;
  /** `loom.prices` over the defaults and LOOM_HOME/prices.json; absent: not set. */
  prices: PriceTable | undefined;
  /** Why `loom.prices` cannot be used: a run refuses to start rather than price with the wrong table. */
  pricesError: string | null;
  /** `loom.conflicts.onPredicted` (docs/conflicts.md): what a conflict predicted between tasks in flight does. */
  onPredictedConflict: PredictedConflictPolicy;
}

/** Reads one setting; the VS Code adapter passes `workspace.getConfiguration('loom').get`. */
export type SettingGetter = (key: string) => unknown;

/** Settings with wrong types or ranges fall back to the defaults, never to a crash. */
export function normalizeSettings(get: SettingGetter): LoomSettings {
  const str = (key: string) => {
    const v = get(key);
    return typeof v === 'string' ? v.trim() : '';
  };
  const int = (key: string, fallback: number, min: number) => {
    const v = get(key);
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fallback;
  };
  const allow = get('commandAllowlist');
  const lint = str('lintCommand');
  return {
    baseUrl: str('model.baseUrl'),
    model: str('model.name'),
    concurrency: int('concurrency', DEFAULT_RUN_SETTINGS.concurrency, 1),
    taskTokens: int('budgets.taskTokens', DEFAULT_RUN_SETTINGS.budgets.taskTokens, 1),
    commandAllowlist:
      Array.isArray(allow) && allow.every((a) => typeof a === 'string' && a.trim()) ? allow.map((a: string) => a.trim()) : [...DEFAULT_RUN_SETTINGS.commandAllowlist],
    verifierModel: str('verifier.model'),
    lintCommand: lint ? lint.split(/\s+/).filter(Boolean) : null,
    commandTimeoutMs: int('commandTimeoutSeconds', DEFAULT_RUN_SETTINGS.commandTimeoutMs / 1000, 1) * 1000,
    flakeReruns: int('verifier.flakeReruns', DEFAULT_RUN_SETTINGS.flakeReruns, 0),
    setupCommand: str('setupCommand'),
    ...readPolicy(get('policy')),
    taskUsd: positive(get('budgets.taskUsd')),
    limits: readLimits(get),
    ...readPrices(get('prices')),
    onPredictedConflict: PREDICTED_CONFLICT_POLICIES.find((p) => p === get('conflicts.onPredicted')) ?? 'tell',
  };
}

/** A number above 0, or nothing (an unset or wrong limit is no limit, as its default is). */
function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function readLimits(get: SettingGetter): RunLimits {
  const entries = (pairs: [string, number | undefined][]) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined));
  const failures = get('limits.breaker.consecutiveFailures');
  const breaker = entries([
    ['consecutiveFailures', typeof failures === 'number' && Number.isInteger(failures) && failures >= 0 ? failures : undefined],
    ['maxTokensPerMinute', positive(get('limits.breaker.maxTokensPerMinute'))],
    ['maxUsdPerMinute', positive(get('limits.breaker.maxUsdPerMinute'))],
  ]);
  return {
    ...entries([
      ['runTokens', positive(get('limits.runTokens'))],
      ['runUsd', positive(get('limits.runUsd'))],
      ['agentUsd', positive(get('limits.agentUsd'))],
      ['tokensPerMinute', positive(get('limits.tokensPerMinute'))],
    ]),
    ...(Object.keys(breaker).length ? { breaker } : {}),
  };
}

function readPrices(value: unknown): { prices: PriceTable | undefined; pricesError: string | null } {
  if (value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0)) return { prices: undefined, pricesError: null };
  try {
    return { prices: parsePriceTable(value, 'the setting loom.prices'), pricesError: null };
  } catch (err) {
    if (err instanceof PriceTableError) return { prices: undefined, pricesError: err.message };
    throw err;
  }
}

function readPolicy(value: unknown): { policy: ActionPolicy; policyError: string | null } {
  if (value === undefined || value === null) return { policy: DEFAULT_ACTION_POLICY, policyError: null };
  try {
    return { policy: parsePolicy(value, 'the setting loom.policy'), policyError: null };
  } catch (err) {
    if (err instanceof PolicyError) return { policy: DEFAULT_ACTION_POLICY, policyError: err.message };
    throw err;
  }
}

export function hasEndpoint(settings: LoomSettings): boolean {
  return settings.baseUrl !== '' && settings.model !== '';
}
