import type { Elision, McpServerConfig, McpSupervision, ModelEndpoint } from '../../protocol/workerMessages';
import type { CoverageRule, Plan } from '../../protocol/plan';
import type { HostModelFactory } from './agentLauncher';
import type { LeaseAllocation } from '../workspace/leasePool';
import { DEFAULT_ACTION_POLICY, type ActionPolicy } from '../../protocol/policy';
import { effectivePolicy } from '../policy/actionPolicy';
import type { SandboxSpec } from '../../protocol/sandbox';
import type { PriceTable } from '../../protocol/pricing';
import type { RunLimits } from './runBudget';

/** Everything a run needs, injected by a composition root (the CLI, the extension, a test). */
export interface RunOptions {
  /** Continue the run `runId` from its journal (`loom resume`) instead of starting a new one. */
  resume?: boolean;
  /** Start from this commit instead of the repository's HEAD (`loom replay` starts where the recorded run did). */
  baseCommit?: string;
  /** Whether the plan must answer coverage; `ifAnswered` only for `loom replay` of a journal recorded before it existed. Default required. */
  planCoverage?: CoverageRule;
  repo: string;
  specPath: string;
  endpoint: ModelEndpoint;
  concurrency: number;
  /** Where runs, journals and leases live (outside the user's working tree). */
  loomHome: string;
  /** Built bundles spawned by path: the agent worker and Loom's MCP tool server. */
  bundle: { agentWorker: string; toolServer: string };
  /** Per-agent token budgets by role; `taskUsd` a task's dollars across its agents, attempts and resumes. */
  budgets: { planTokens: number; taskTokens: number; verifyTokens: number; taskUsd?: number };
  /** Run-wide budgets, per-agent dollars, the circuit breaker and the tokens-per-minute limit (docs/budgets.md). */
  limits?: RunLimits;
  /** Prices that override the defaults and LOOM_HOME/prices.json (the `loom.prices` setting, `--prices FILE`). */
  prices?: PriceTable;
  maxTurns: number;
  /** The model's context window; older tool results are compacted to stay within it. Default 128k. */
  contextWindowTokens?: number;
  /** How implementors cut old tool results to stubs (default: engine/agents/elideToolResults.ts DEFAULT_ELISION); false: never. */
  elision?: Elision;
  /** argv[0] values agents and the verifier may run. */
  commandAllowlist: string[];
  lintCommand: string[] | null;
  /** Extra reruns of fail-to-pass tests on the branch, to catch flakes. */
  flakeReruns: number;
  commandTimeoutMs: number;
  /** MCP servers the user configured; started per agent beside Loom's own. */
  mcpServers: McpServerConfig[];
  runId?: string;
  /** A textual conflict goes to a merge agent before a person (default 'auto'); 'off' asks a person at once. */
  mergeAgent?: 'auto' | 'off';
  /** The verifier's model, when it should differ from the implementors' (same endpoint). */
  verifierModel?: string;
  /** With `endpoint.relay`: the model the host provides (VS Code's Language Model API), per agent. */
  hostModel?: HostModelFactory;
  /** Shell text run once in each fresh lease and verifier checkout (e.g. `npm ci && npm run build`); absent: the repository's `.loom/setup`, if any. */
  setupCommand?: string | null;
  /** What confines agent-side processes; absent: detected at run start (detectSandbox). */
  sandbox?: SandboxSpec;
  /** The first human gate: confirm the coordinator's plan. Absent means accept. */
  confirmPlan?: (plan: Plan) => Promise<boolean>;
  /** Which actions agents take alone, which wait on approval, which are denied (docs/policy.md). Default: DEFAULT_ACTION_POLICY. */
  policy?: ActionPolicy;
  /** Per-call timeout, health pings and restarts of agents' MCP servers; absent fields keep their defaults (120 s, every 15 s, 3). */
  mcpSupervision?: Partial<McpSupervision>;
  /** The heap each agent's worker thread may use; past it that worker alone ends, as a crash (resumed once). Absent: Node's limit. */
  agentHeapMb?: number;
  /** What a conflict predicted between tasks in flight does (docs/conflicts.md): tell both agents (default), hold the later task, or only journal it. */
  onPredictedConflict?: PredictedConflictPolicy;
  /**
   * Task leases check out only the task's file scope and acceptance test files, and widen when the
   * agent reaches outside them (default true; workspace/sparseScope.ts). false: every lease is a full checkout.
   */
  sparseLeases?: boolean;
  /**
   * `perTask` (default): a new worktree per task, removed in the background once the task succeeded.
   * `pooled`: finished tasks' worktrees are reset for the next task (workspace/leasePool.ts).
   */
  leaseAllocation?: LeaseAllocation;
}

/** `--on-predicted-conflict` and `loom.conflicts.onPredicted`. */
export const PREDICTED_CONFLICT_POLICIES = ['tell', 'hold', 'off'] as const;
export type PredictedConflictPolicy = (typeof PREDICTED_CONFLICT_POLICIES)[number];

/** The policy a run applies: the configured one, made stricter when nothing confines the agents. */
export function runPolicy(options: Pick<RunOptions, 'policy'>, sandbox: SandboxSpec): ActionPolicy {
  return effectivePolicy(options.policy ?? DEFAULT_ACTION_POLICY, { confined: sandbox.kind !== 'none' });
}

export const DEFAULT_RUN_SETTINGS = {
  concurrency: 3,
  budgets: { planTokens: 50_000, taskTokens: 200_000, verifyTokens: 50_000 },
  maxTurns: 30,
  commandAllowlist: ['node', 'npm', 'npx'],
  flakeReruns: 2,
  commandTimeoutMs: 120_000,
} as const;

/** A context window most current models exceed; set RunOptions.contextWindowTokens for smaller ones. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;
