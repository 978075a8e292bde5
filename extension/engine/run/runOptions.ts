import type { McpServerConfig, ModelEndpoint } from '../../protocol/workerMessages';
import type { Plan } from '../../protocol/plan';
import type { HostModelFactory } from './agentLauncher';

/** Everything a run needs, injected by a composition root (the CLI, the extension, a test). */
export interface RunOptions {
  repo: string;
  specPath: string;
  endpoint: ModelEndpoint;
  concurrency: number;
  /** Where runs, journals and leases live (outside the user's working tree). */
  loomHome: string;
  /** Built bundles spawned by path: the agent worker and Loom's MCP tool server. */
  bundle: { agentWorker: string; toolServer: string };
  budgets: { planTokens: number; taskTokens: number; verifyTokens: number };
  maxTurns: number;
  /** The model's context window; older tool results are compacted to stay within it. Default 128k. */
  contextWindowTokens?: number;
  /** argv[0] values agents and the verifier may run. */
  commandAllowlist: string[];
  lintCommand: string[] | null;
  /** Extra reruns of fail-to-pass tests on the branch, to catch flakes. */
  flakeReruns: number;
  commandTimeoutMs: number;
  /** MCP servers the user configured; started per agent beside Loom's own. */
  mcpServers: McpServerConfig[];
  runId?: string;
  /** The verifier's model, when it should differ from the implementors' (same endpoint). */
  verifierModel?: string;
  /** With `endpoint.relay`: the model the host provides (VS Code's Language Model API), per agent. */
  hostModel?: HostModelFactory;
  /** The first human gate: confirm the coordinator's plan. Absent means accept. */
  confirmPlan?: (plan: Plan) => Promise<boolean>;
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
