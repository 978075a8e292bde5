import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Simulator } from '../engine/simulator/simulatorServer';
import { endpointFromFlags } from './endpointFromFlags';
import { loadMcpConfig } from '../engine/tools/mcpConfig';
import { DEFAULT_RUN_SETTINGS, PREDICTED_CONFLICT_POLICIES, type PredictedConflictPolicy, type RunOptions } from '../engine/run/runOptions';
import { loomHome } from '../engine/run/runPaths';
import { bundlePaths } from './bundlePaths';
import { executeRun } from './executeRun';
import { checkRunTarget } from '../engine/run/runTarget';
import { FLAG_NAMES, RECORDED_NAMES } from './runTargetNames';
import { exportTrace, otlpEndpoint } from './traceCommand';
import { readJournal } from '../engine/journal/journalReader';
import { UsageError } from './usageError';
import { loadPolicyFile } from '../engine/policy/actionPolicy';
import type { ApprovalMode } from './approvalPrompt';
import type { RunLimits } from '../engine/run/runBudget';
import type { PriceTable } from '../protocol/pricing';
import type { CoverageRule } from '../protocol/plan';
import { loadPriceTableFile, PriceTableError } from '../engine/models/priceTableFile';

/** The flags `loom run` and `loom resume` share: the model, limits, sandbox and policy. */
export const RUN_FLAGS = {
  model: { type: 'string' },
  'base-url': { type: 'string' },
  simulate: { type: 'string' },
  concurrency: { type: 'string' },
  lint: { type: 'string' },
  allow: { type: 'string', multiple: true },
  'command-timeout': { type: 'string' },
  setup: { type: 'string' },
  'flake-reruns': { type: 'string' },
  'mcp-config': { type: 'string' },
  'task-budget': { type: 'string' },
  // Hard limits beyond the per-agent token budgets (docs/budgets.md).
  'run-budget': { type: 'string' },
  'run-usd': { type: 'string' },
  'task-usd': { type: 'string' },
  'agent-usd': { type: 'string' },
  prices: { type: 'string' },
  tpm: { type: 'string' },
  'breaker-failures': { type: 'string' },
  'breaker-tpm': { type: 'string' },
  'breaker-usd-per-minute': { type: 'string' },
  'loom-home': { type: 'string' },
  'verifier-model': { type: 'string' },
  otlp: { type: 'string' },
  policy: { type: 'string' },
  // What a conflict predicted between tasks in flight does (docs/conflicts.md).
  'on-predicted-conflict': { type: 'string' },
  yes: { type: 'boolean' },
  no: { type: 'boolean' },
} as const;

type RunFlags = {
  [K in keyof typeof RUN_FLAGS]?: (typeof RUN_FLAGS)[K] extends { multiple: true } ? string[] : (typeof RUN_FLAGS)[K] extends { type: 'boolean' } ? boolean : string;
};

/** `loom run`: a spec and a repository in, the whole pipeline headless, an exit code out. */
export async function runCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...RUN_FLAGS, spec: { type: 'string' }, repo: { type: 'string' } }, strict: true });
  checkFlags(values);
  if (!values.spec) throw new UsageError('--spec FILE is missing: the Markdown spec to run (see docs/spec-format.md)');
  if (!values.repo) throw new UsageError('--repo DIR is missing: the git repository to work on (at least one commit)');
  return executeWithFlags(values, { repo: resolve(values.repo), specPath: resolve(values.spec) }, print);
}

/** Checks the flags that need no I/O, before anything starts. */
export function checkFlags(values: RunFlags): void {
  if (values.yes && values.no) throw new UsageError('--yes and --no contradict each other: pick one (or neither, to be asked)');
  positiveInt(values['command-timeout'], '--command-timeout');
  wholeNumber(values['flake-reruns'], '--flake-reruns');
  predictedConflictPolicy(values['on-predicted-conflict']);
  runLimits(values);
}

/** `--on-predicted-conflict tell|hold|off`; absent: the default (tell). */
function predictedConflictPolicy(value: string | undefined): PredictedConflictPolicy | undefined {
  if (value === undefined) return undefined;
  const policy = PREDICTED_CONFLICT_POLICIES.find((p) => p === value);
  if (!policy) throw new UsageError(`--on-predicted-conflict takes ${PREDICTED_CONFLICT_POLICIES.join(', ')} (docs/conflicts.md), not "${value}"`);
  return policy;
}

/** The run-wide limits the flags set (absent flags leave the defaults: no run budget, no rate limit, a breaker at 3 failures). */
function runLimits(values: RunFlags): RunLimits {
  const breaker = {
    ...optional('consecutiveFailures', wholeNumber(values['breaker-failures'], '--breaker-failures')),
    ...optional('maxTokensPerMinute', positiveInt(values['breaker-tpm'], '--breaker-tpm')),
    ...optional('maxUsdPerMinute', dollars(values['breaker-usd-per-minute'], '--breaker-usd-per-minute')),
  };
  return {
    ...optional('runTokens', positiveInt(values['run-budget'], '--run-budget')),
    ...optional('runUsd', dollars(values['run-usd'], '--run-usd')),
    ...optional('agentUsd', dollars(values['agent-usd'], '--agent-usd')),
    ...optional('tokensPerMinute', positiveInt(values.tpm, '--tpm')),
    ...(Object.keys(breaker).length ? { breaker } : {}),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function dollars(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/^\$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes an amount of dollars above 0 (e.g. 2.50), not "${value}"`);
  return n;
}

/** `--prices FILE`: read before anything starts, so a bad file is a usage error that names the file and the entry. */
function pricesFlag(file: string | undefined): PriceTable | undefined {
  if (!file) return undefined;
  try {
    return loadPriceTableFile(resolve(file));
  } catch (err) {
    if (err instanceof PriceTableError) throw new UsageError(err.message);
    throw err;
  }
}

/** Starts the model endpoint the flags name, runs (or resumes) the run, prints its report; returns the exit code. */
export async function executeWithFlags(
  values: RunFlags,
  target: { repo: string; specPath: string; runId?: string; resume?: boolean; baseCommit?: string; planCoverage?: CoverageRule },
  print: (line: string) => void,
): Promise<number> {
  // Read before anything starts, so a bad policy file is a usage error with nothing created.
  const policy = values.policy ? loadPolicyFile(resolve(values.policy)) : undefined;
  const prices = pricesFlag(values.prices);
  const limits = runLimits(values);
  const taskUsd = dollars(values['task-usd'], '--task-usd');
  const commandTimeoutSeconds = positiveInt(values['command-timeout'], '--command-timeout');
  const flakeReruns = wholeNumber(values['flake-reruns'], '--flake-reruns');
  const onPredictedConflict = predictedConflictPolicy(values['on-predicted-conflict']);
  await checkRunTarget(target, target.runId !== undefined ? RECORDED_NAMES : FLAG_NAMES);
  const mcpServers = values['mcp-config'] ? await userMcpServers(resolve(values['mcp-config']), print) : [];
  let simulator: Simulator | null = null;
  try {
    const started = await endpointFromFlags({ simulate: values.simulate, baseUrl: values['base-url'], model: values.model }, print);
    simulator = started.simulator;
    const endpoint = started.endpoint;
    const options: RunOptions = {
      repo: target.repo,
      specPath: target.specPath,
      ...(target.runId ? { runId: target.runId } : {}),
      ...(target.resume ? { resume: true } : {}),
      ...(target.baseCommit ? { baseCommit: target.baseCommit } : {}),
      ...(target.planCoverage ? { planCoverage: target.planCoverage } : {}),
      endpoint,
      concurrency: positiveInt(values.concurrency, '--concurrency') ?? DEFAULT_RUN_SETTINGS.concurrency,
      loomHome: values['loom-home'] ? resolve(values['loom-home']) : loomHome(),
      bundle: bundlePaths(),
      budgets: {
        ...DEFAULT_RUN_SETTINGS.budgets,
        taskTokens: positiveInt(values['task-budget'], '--task-budget') ?? DEFAULT_RUN_SETTINGS.budgets.taskTokens,
        ...(taskUsd !== undefined ? { taskUsd } : {}),
      },
      limits,
      ...(prices ? { prices } : {}),
      maxTurns: DEFAULT_RUN_SETTINGS.maxTurns,
      // --allow adds to the default allowlist (node, npm, npx); it never takes them away.
      commandAllowlist: [...new Set([...DEFAULT_RUN_SETTINGS.commandAllowlist, ...(values.allow ?? [])])],
      lintCommand: values.lint ? values.lint.split(/\s+/).filter(Boolean) : null,
      flakeReruns: flakeReruns ?? DEFAULT_RUN_SETTINGS.flakeReruns,
      ...(values.setup ? { setupCommand: values.setup } : {}),
      commandTimeoutMs: commandTimeoutSeconds !== undefined ? commandTimeoutSeconds * 1000 : DEFAULT_RUN_SETTINGS.commandTimeoutMs,
      verifierModel: values['verifier-model'],
      mcpServers,
      ...(policy ? { policy } : {}),
      ...(onPredictedConflict ? { onPredictedConflict } : {}),
    };
    const result = await executeRun(options, print, approvalMode(values));
    const otlp = otlpEndpoint(values.otlp);
    if (otlp) await exportTrace(readJournal(result.journalPath).events, otlp, print);
    return result.exitCode;
  } finally {
    await simulator?.close();
  }
}

async function userMcpServers(path: string, print: (line: string) => void) {
  // loadMcpConfig reads a missing file as no servers (a workspace without .vscode/mcp.json); a file the flag names must exist.
  if (!existsSync(path)) throw new UsageError(`--mcp-config ${path}: no such file`);
  const loaded = await loadMcpConfig(path);
  for (const warning of loaded.warnings) print(`warning: ${warning}`);
  return loaded.servers;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} takes a positive whole number, not "${value}"`);
  return n;
}

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number (0 or more), not "${value}"`);
  return n;
}

/** `--yes`/`--no` answer every approval (CI); otherwise a terminal asks, and without one `loom resolve` (or the timeout) answers. */
function approvalMode(flags: { yes?: boolean; no?: boolean }): { mode: ApprovalMode; by: string } {
  if (flags.yes) return { mode: 'approve', by: 'cli --yes' };
  if (flags.no) return { mode: 'deny', by: 'cli --no' };
  return { mode: process.stdin.isTTY && process.stdout.isTTY ? 'prompt' : 'none', by: 'cli' };
}
