import type { EventBody, RunEvent } from '../../protocol/events';
import type { ActionPolicy } from '../../protocol/policy';
import { costUsd, priceOf, type PriceTable } from '../../protocol/pricing';
import type { AgentOutcome } from '../../protocol/usage';
import type { Disposable } from '../../base/disposable';
import { MIN_OUTPUT_TOKENS } from '../models/budgetedProvider';
import type { AdmitRequest, CallSettlement, ModelGate } from '../models/modelGate';
import { ModelError } from '../models/modelProvider';
import type { ApprovalBroker } from './approvalBroker';
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerSettings, type Trip } from './circuitBreaker';
import { decideByPolicy } from './policyQuestion';
import { MAX_BUDGET_EXTENSIONS } from './taskBudget';
import { TokenRateLimiter } from './tokenRateLimiter';

/** The run-wide limits (RunOptions.limits); every one is optional. */
export interface RunLimits {
  /** Tokens for the whole run, every role and attempt (resumes included). */
  runTokens?: number;
  /** Dollars for the whole run (priced models only). */
  runUsd?: number;
  /** Dollars per agent; a task's agents also share what is left of `budgets.taskUsd`. */
  agentUsd?: number;
  breaker?: Partial<BreakerSettings>;
  /** Tokens per minute per provider (endpoint and model), shared by every agent; absent: no limit. */
  tokensPerMinute?: number;
}

export interface GatedAgent {
  agentId: string;
  taskId?: string;
  model: string;
  /** This agent's own dollar budget (per agent, within its task's); absent: none. */
  budgetUsd?: number;
}

interface Limit {
  limit: number;
  step: number;
  extensions: number;
}

/** A shorter wait for the rate limit is not worth a journal line. */
const NOTABLE_WAIT_MS = 100;

/** Nobody's agent: run-level questions stay open when an agent ends. */
const RUN_AGENT = 'run';

/**
 * The host's side of every model call of every agent (failure mode 5), the one place all of a run's
 * calls pass: the run's token and dollar budgets (reached: a `budget` escalation, extend or stop),
 * each agent's dollar budget (reached: the agent ends `budgetExceeded`, and its task's budget
 * escalation follows), the circuit breaker (tripped: no model call and no agent starts until a
 * person answers resume or stop) and the tokens-per-minute limiter. Calls in flight hold a
 * reservation of their prompt and output cap, so parallel agents cannot overshoot together.
 */
export class RunGate implements Disposable {
  private spentTokens: number;
  private spentUsd: number;
  private readonly tokens: Limit | null;
  private readonly usd: Limit | null;
  private readonly reserved = new Map<string, { tokens: number; usd: number; prompt: number; provider: string }>();
  private readonly agentUsd = new Map<string, number>();
  private readonly breaker: CircuitBreaker;
  private readonly limiter: TokenRateLimiter | null;
  private settled: (() => void)[] = [];
  private paused: Promise<void> | null = null;
  private extending: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: {
      limits: RunLimits;
      prices: PriceTable;
      /** Endpoint base URL: with the model, what names a provider for the rate limit. */
      baseUrl: string;
      policy: ActionPolicy;
      approvals: ApprovalBroker;
      journal: (body: EventBody) => RunEvent;
      /** Ends the run (stopped, resumable) when a person or the policy says stop. */
      stopRun: (reason: string) => void;
      /** What the run spent before (a resumed run continues its budget). */
      spent?: { tokens: number; usd: number };
      now?: () => number;
    },
  ) {
    const { limits } = deps;
    this.spentTokens = deps.spent?.tokens ?? 0;
    this.spentUsd = deps.spent?.usd ?? 0;
    this.tokens = limits.runTokens !== undefined ? { limit: limits.runTokens, step: limits.runTokens, extensions: 0 } : null;
    this.usd = limits.runUsd !== undefined ? { limit: limits.runUsd, step: limits.runUsd, extensions: 0 } : null;
    this.breaker = new CircuitBreaker({ ...DEFAULT_BREAKER, ...limits.breaker }, deps.now);
    this.limiter = limits.tokensPerMinute ? new TokenRateLimiter(limits.tokensPerMinute, deps.now) : null;
  }

  /**
   * Said at run start when a dollar budget is set but a model has no price: it cannot be enforced
   * for that model (it is not counted as $0). Null when every model is priced or no dollar budget is set.
   */
  unpricedWarning(models: readonly string[], taskUsd?: number): string | null {
    const { runUsd, agentUsd } = this.deps.limits;
    if (runUsd === undefined && agentUsd === undefined && taskUsd === undefined) return null;
    const unpriced = [...new Set(models)].filter((m) => priceOf(m, this.deps.prices) === null);
    if (unpriced.length === 0) return null;
    return `the dollar budget cannot be enforced for ${unpriced.join(', ')}: no price is known (add one with --prices FILE, the loom.prices setting or prices.json in LOOM_HOME); its calls count against token budgets only`;
  }

  forAgent(agent: GatedAgent): ModelGate {
    return {
      admit: (request, signal) => this.admit({ ...agent, budgetUsd: agent.budgetUsd ?? this.deps.limits.agentUsd }, request, signal),
      settle: (settlement) => this.settle(agent, settlement),
    };
  }

  /** Before an agent starts: waits while the breaker holds the run; false once the run stops. */
  async beforeStart(signal?: AbortSignal): Promise<boolean> {
    while (this.paused && !this.stopped && !signal?.aborted) await untilAborted(this.paused, signal);
    return !this.stopped && !signal?.aborted;
  }

  /** How an agent attempt ended, for the breaker: completed is progress, a crash, loop or cap is a failure. */
  agentEnded(agentId: string, outcome: AgentOutcome): void {
    // A worker that died mid-call never settles it: its reservation goes with it.
    if (this.reserved.delete(agentId)) this.wakeWaiters();
    switch (outcome.kind) {
      case 'completed':
        this.breaker.recordSuccess();
        return;
      case 'crashed':
      case 'toolError':
      case 'loopDetected':
      case 'iterationCap':
      case 'invalidResult':
        this.trip(this.breaker.recordFailure(`${agentId} ${outcome.kind}`));
        return;
      case 'modelError': // counted when its call failed
      case 'budgetExceeded':
      case 'stopped':
        return;
    }
  }

  dispose(): void {
    this.stopped = true;
    this.limiter?.dispose();
    this.wakeWaiters();
  }

  private async admit(agent: GatedAgent, request: AdmitRequest, signal?: AbortSignal): Promise<{ maxOutputTokens: number }> {
    const price = priceOf(agent.model, this.deps.prices);
    const promptUsd = price ? (request.promptTokens * price.input) / 1_000_000 : 0;
    const outputFor = (dollars: number) => (price && price.output > 0 ? Math.floor((dollars * 1_000_000) / price.output) : Infinity);
    let cap = request.maxOutputTokens;
    for (;;) {
      if (this.stopped || signal?.aborted) throw new ModelError('cancelled', 'the run stopped before this call', false);
      if (this.paused) {
        await untilAborted(this.paused, signal);
        continue;
      }
      const inFlight = [...this.reserved.values()].reduce((sum, r) => ({ tokens: sum.tokens + r.tokens, usd: sum.usd + r.usd }), { tokens: 0, usd: 0 });
      cap = request.maxOutputTokens;
      if (this.tokens) {
        const room = this.tokens.limit - this.spentTokens - inFlight.tokens - request.promptTokens;
        if (room < MIN_OUTPUT_TOKENS) {
          await this.whenRoom('tokens', inFlight.tokens > 0, signal);
          continue;
        }
        cap = Math.min(cap, room);
      }
      if (this.usd && price) {
        const room = outputFor(this.usd.limit - this.spentUsd - inFlight.usd - promptUsd);
        if (room < MIN_OUTPUT_TOKENS) {
          await this.whenRoom('usd', inFlight.usd > 0, signal);
          continue;
        }
        cap = Math.min(cap, room);
      }
      break;
    }
    if (agent.budgetUsd !== undefined && price) {
      const used = this.agentUsd.get(agent.agentId) ?? 0;
      const room = outputFor(agent.budgetUsd - used - promptUsd);
      if (room < MIN_OUTPUT_TOKENS) {
        throw new ModelError('budget', `dollar budget of $${agent.budgetUsd.toFixed(4)} reached ($${used.toFixed(4)} used, the next prompt is about ${request.promptTokens} tokens)`, false);
      }
      cap = Math.min(cap, room);
    }
    const provider = `${this.deps.baseUrl} ${agent.model}`;
    if (this.limiter) {
      const waitedMs = await this.limiter.take(provider, request.promptTokens, signal);
      if (waitedMs >= NOTABLE_WAIT_MS) {
        this.deps.journal({
          type: 'agent/didWarn',
          agentId: agent.agentId,
          taskId: agent.taskId,
          kind: 'rateLimit',
          message: `waited ${waitedMs} ms for ${agent.model} at ${this.deps.baseUrl}: ${this.limiter.tokensPerMinute} tokens a minute shared by the run's agents`,
        });
      }
    }
    const reservation = { tokens: request.promptTokens + cap, usd: promptUsd + (price ? (cap * price.output) / 1_000_000 : 0), prompt: request.promptTokens, provider };
    this.reserved.set(agent.agentId, reservation);
    return { maxOutputTokens: cap };
  }

  private settle(agent: GatedAgent, settlement: CallSettlement): void {
    const reservation = this.reserved.get(agent.agentId);
    this.reserved.delete(agent.agentId);
    const provider = reservation?.provider ?? `${this.deps.baseUrl} ${agent.model}`;
    if ('usage' in settlement) {
      const tokens = settlement.usage.inputTokens + settlement.usage.outputTokens;
      const cost = costUsd(agent.model, settlement.usage, this.deps.prices);
      this.spentTokens += tokens;
      if (cost !== null) {
        this.spentUsd += cost;
        this.agentUsd.set(agent.agentId, (this.agentUsd.get(agent.agentId) ?? 0) + cost);
      }
      this.limiter?.adjust(provider, tokens - (reservation?.prompt ?? 0));
      this.breaker.recordSuccess();
      this.trip(this.breaker.recordSpend(tokens, cost));
    } else {
      this.limiter?.adjust(provider, -(reservation?.prompt ?? 0));
      if (settlement.failed !== 'cancelled' && settlement.failed !== 'budget') {
        this.trip(this.breaker.recordFailure(`${agent.agentId}: model call failed (${settlement.failed})`));
      }
    }
    this.wakeWaiters();
  }

  /** No room left: wait for calls in flight to settle, or ask to extend the run's budget (once for everyone). */
  private async whenRoom(unit: 'tokens' | 'usd', othersInFlight: boolean, signal?: AbortSignal): Promise<void> {
    if (othersInFlight && !this.extending) {
      await untilAborted(new Promise<void>((resolve) => this.settled.push(resolve)), signal);
      return;
    }
    this.extending ??= this.askToExtend(unit).finally(() => (this.extending = null));
    await untilAborted(this.extending, signal);
  }

  private async askToExtend(unit: 'tokens' | 'usd'): Promise<void> {
    const budget = unit === 'tokens' ? this.tokens! : this.usd!;
    const used = unit === 'tokens' ? this.spentTokens : this.spentUsd;
    const shown = unit === 'tokens' ? `${budget.limit} tokens` : `$${budget.limit.toFixed(2)}`;
    if (budget.extensions >= MAX_BUDGET_EXTENSIONS) {
      this.stop(`the run's budget of ${shown} is reached and was already extended ${MAX_BUDGET_EXTENSIONS} times`);
      return;
    }
    const action = { kind: 'extendRunBudget' as const, unit, used, limit: budget.limit, extra: budget.step };
    const answer = await decideByPolicy(this.deps, { agentId: RUN_AGENT, action });
    if (this.stopped) return;
    if (!answer.approved) {
      this.stop(`the run's budget of ${shown} is reached and was not extended (${answer.by})`);
      return;
    }
    budget.limit += budget.step;
    budget.extensions++;
  }

  private trip(trip: Trip | null): void {
    if (!trip || this.paused || this.stopped) return;
    this.paused = (async () => {
      const answer = await decideByPolicy(this.deps, { agentId: RUN_AGENT, action: { kind: 'resumeRun', trigger: trip.trigger, detail: trip.detail } });
      if (answer.approved) this.breaker.reset();
      else this.stop(`the circuit breaker stopped the run (${answer.by}): ${trip.detail}`);
    })().finally(() => {
      this.paused = null;
      this.wakeWaiters();
    });
  }

  private stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.deps.journal({ type: 'agent/didWarn', agentId: RUN_AGENT, kind: 'budget', message: reason });
    this.wakeWaiters();
    this.deps.stopRun(reason);
  }

  private wakeWaiters(): void {
    for (const wake of this.settled.splice(0)) wake();
  }
}

/** Waits for `promise`, or until `signal` aborts (then resolves: the caller checks the signal). */
function untilAborted(promise: Promise<unknown>, signal?: AbortSignal): Promise<void> {
  if (!signal) return promise.then(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    promise.then(done, done);
  });
}
