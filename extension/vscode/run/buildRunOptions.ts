import { join } from 'node:path';
import type { ModelEndpoint, McpServerConfig } from '../../protocol/workerMessages';
import { DEFAULT_RUN_SETTINGS, type RunOptions } from '../../engine/run/runOptions';
import type { Plan } from '../../protocol/plan';
import type { LoomSettings } from '../adapters/loomSettings';

export interface RunOptionsInput {
  repo: string;
  specPath: string;
  endpoint: ModelEndpoint;
  settings: LoomSettings;
  loomHome: string;
  /** The installed extension's root folder: the bundles are spawned by path from its dist/. */
  extensionRoot: string;
  mcpServers: McpServerConfig[];
  confirmPlan?: (plan: Plan) => Promise<boolean>;
}

/** Bundle paths inside the installed extension. */
export function extensionBundlePaths(extensionRoot: string): RunOptions['bundle'] {
  return {
    agentWorker: join(extensionRoot, 'dist', 'workers', 'agentWorker.js'),
    toolServer: join(extensionRoot, 'dist', 'tools', 'loomToolServer.js'),
  };
}

/** The engine's options from the extension's settings: the same engine as the CLI. */
export function buildRunOptions(input: RunOptionsInput): RunOptions {
  const { settings } = input;
  if (settings.pricesError) throw new Error(settings.pricesError);
  return {
    repo: input.repo,
    specPath: input.specPath,
    endpoint: input.endpoint,
    concurrency: settings.concurrency,
    loomHome: input.loomHome,
    bundle: extensionBundlePaths(input.extensionRoot),
    budgets: { ...DEFAULT_RUN_SETTINGS.budgets, taskTokens: settings.taskTokens, ...(settings.taskUsd !== undefined ? { taskUsd: settings.taskUsd } : {}) },
    limits: settings.limits,
    ...(settings.prices ? { prices: settings.prices } : {}),
    maxTurns: DEFAULT_RUN_SETTINGS.maxTurns,
    commandAllowlist: settings.commandAllowlist,
    lintCommand: settings.lintCommand,
    flakeReruns: settings.flakeReruns,
    commandTimeoutMs: settings.commandTimeoutMs,
    ...(settings.setupCommand ? { setupCommand: settings.setupCommand } : {}),
    mcpServers: input.mcpServers,
    policy: settings.policy,
    onPredictedConflict: settings.onPredictedConflict,
    ...(settings.verifierModel ? { verifierModel: settings.verifierModel } : {}),
    ...(input.confirmPlan ? { confirmPlan: input.confirmPlan } : {}),
  };
}
