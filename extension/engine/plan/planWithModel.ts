import type { ChatMessage } from '../../protocol/chat';
import type { CoverageRule, Plan } from '../../protocol/plan';
import type { Spec } from '../../protocol/spec';
import { addUsage, type Usage } from '../../protocol/usage';
import { ModelError, type ChatRequest, type ChatResponse, type ModelProvider } from '../models/modelProvider';
import { buildPlanMessages, repairPrompt } from './planPrompt';
import type { RunnableContext } from './runnableChecks';
import { validatePlan } from './validatePlan';

/** What one planning attempt produced; `attempt` counts from 1. */
export interface PlanAttemptInfo {
  attempt: number;
  ok: boolean;
  /** Validation errors of this attempt (empty when ok): journal them as plan/didFailValidation. */
  errors: string[];
}

/** When a model call started and how long it took, for model/didRespond. */
export interface ResponseTiming {
  startedAt: number;
  durationMs: number;
}

export interface PlanWithModelOptions {
  provider: ModelProvider;
  spec: Spec;
  /** Repo-relative paths of the files at the base commit. */
  repoFiles: readonly string[];
  /** What acceptance commands may run here; absent: not checked. */
  runnable?: RunnableContext;
  /** `ifAnswered` only to replay a journal recorded before plans answered coverage (see planCoverage.ts). */
  coverage?: CoverageRule;
  signal?: AbortSignal;
  /** Told after each attempt is validated. */
  onAttempt?: (info: PlanAttemptInfo) => void;
  /** Told of every model response before it is validated, so the caller can journal it. */
  onResponse?: (response: ChatResponse, attempt: number, timing: ResponseTiming) => void;
  /** Passed to the provider: told before each provider-level retry. */
  onRetry?: ChatRequest['onRetry'];
  /** Clock for the timing, injectable for tests. */
  now?: () => number;
}

interface PlanOutcomeBase {
  /** Model calls made: 1, or 2 with the repair round. */
  attempts: number;
  /** Tokens summed over all calls. */
  usage: Usage;
  /** The whole conversation, last response included. */
  messages: ChatMessage[];
}

export type PlanWithModelResult =
  | ({ ok: true; plan: Plan } & PlanOutcomeBase)
  | ({ ok: false; errors: string[] } & PlanOutcomeBase);

/** One call, plus at most this many repair rounds. */
const MAX_REPAIRS = 1;

/**
 * Asks the coordinator model for a plan and validates it. An invalid answer gets ONE repair round
 * (the model's reply and the validation errors go back to it); still invalid → `ok: false` with
 * the last errors. ModelError (provider faults after the provider's own retries, cancellation)
 * propagates to the caller.
 */
export async function planWithModel(options: PlanWithModelOptions): Promise<PlanWithModelResult> {
  const { provider, spec, repoFiles, signal } = options;
  const now = options.now ?? Date.now;
  const messages: ChatMessage[] = buildPlanMessages(spec, repoFiles);
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let errors: string[] = [];

  for (let attempt = 1; attempt <= 1 + MAX_REPAIRS; attempt++) {
    if (signal?.aborted) throw new ModelError('cancelled', 'planning was cancelled', false);
    if (attempt > 1) messages.push(repairPrompt(errors));

    const startedAt = now();
    const response = await provider.chat({ messages: [...messages], tools: [], signal, onRetry: options.onRetry });
    options.onResponse?.(response, attempt, { startedAt, durationMs: Math.max(0, now() - startedAt) });
    usage = addUsage(usage, response.usage);
    // Tool calls are not replayed: without tool results the API would reject the next request.
    messages.push({ role: 'assistant', content: response.content ?? '', toolCalls: [] });

    const extracted = extractJson(response);
    const result = extracted.ok ? validatePlan(extracted.value, spec, options.runnable, options.coverage) : { ok: false as const, errors: [extracted.error] };
    options.onAttempt?.({ attempt, ok: result.ok, errors: result.ok ? [] : result.errors });
    if (result.ok) return { ok: true, plan: result.plan, attempts: attempt, usage, messages };
    errors = result.errors;
  }
  return { ok: false, errors, attempts: 1 + MAX_REPAIRS, usage, messages };
}

export type ExtractJsonResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The JSON value of a reply: the whole text when it is a bare JSON object, else the first
 * ```json (or unlabelled ```) fenced block. Anything else is `response is not JSON: …`.
 */
export function extractJson(response: Pick<ChatResponse, 'content' | 'toolCalls'>): ExtractJsonResult {
  const text = (response.content ?? '').trim();
  if (text === '') {
    const calls = response.toolCalls.length > 0 ? ` (it made ${response.toolCalls.length} tool call(s) instead)` : '';
    return { ok: false, error: `response is not JSON: the reply has no text${calls}; answer with the plan as a JSON object` };
  }
  const candidates: string[] = [];
  if (text.startsWith('{') || text.startsWith('[')) candidates.push(text);
  const fence = /```[ \t]*(?:json|JSON|jsonc)?[ \t]*\r?\n([\s\S]*?)\r?\n?```/.exec(text);
  if (fence) candidates.push(fence[1].trim());

  let firstError: string | undefined;
  for (const c of candidates) {
    try {
      return { ok: true, value: JSON.parse(c) as unknown };
    } catch (e) {
      firstError ??= e instanceof Error ? e.message : String(e);
    }
  }
  const reason = firstError ?? 'expected a JSON object or a ```json fenced block';
  return { ok: false, error: `response is not JSON: ${reason} (the reply starts with ${JSON.stringify(snippet(text))})` };
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 80 ? `${oneLine.slice(0, 80)}…` : oneLine;
}
