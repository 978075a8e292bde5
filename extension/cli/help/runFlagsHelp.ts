import type { RUN_FLAGS } from '../runCommand';
import type { FlagHelp } from './helpTypes';

/**
 * The flags `loom run`, `loom resume` and `loom replay --fork-at` share, one line each. Typed by
 * RUN_FLAGS, so a flag added there does not compile until it is explained here.
 */
export const RUN_FLAGS_HELP: Record<keyof typeof RUN_FLAGS, FlagHelp> = {
  model: { value: 'NAME', text: 'the model to use (or LOOM_MODEL)' },
  'base-url': { value: 'URL', text: 'an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (or LOOM_BASE_URL)' },
  simulate: { value: 'SCENARIO', text: 'answer every agent from a scripted scenario instead of a model (docs/scenarios.md)' },
  concurrency: { value: 'N', text: 'tasks at a time (default 3)' },
  lint: { value: '"CMD ARGS"', text: "a lint command the verifier runs on each task's result" },
  allow: { value: 'CMD', text: 'a program agents may run, added to node, npm, npx (repeatable)' },
  'command-timeout': { value: 'SECONDS', text: 'how long one command an agent or the verifier runs may take (default 120)' },
  setup: { value: '"CMD"', text: 'a setup recipe run in each worktree before its agent starts, e.g. "npm ci && npm run build"' },
  'flake-reruns': { value: 'N', text: 'times the verifier reruns passing tests to catch flaky ones (default 2)' },
  'mcp-config': { value: 'FILE', text: 'MCP servers every agent gets, in the .vscode/mcp.json format' },
  'task-budget': { value: 'TOKENS', text: "an implementor's token budget per task (default 200000)" },
  'run-budget': { value: 'TOKENS', text: 'tokens for the whole run; reaching it pauses every agent (docs/budgets.md)' },
  'run-usd': { value: 'DOLLARS', text: 'dollars for the whole run; reaching it pauses every agent' },
  'task-usd': { value: 'DOLLARS', text: 'dollars per task' },
  'agent-usd': { value: 'DOLLARS', text: 'dollars per agent; an agent that reaches it ends' },
  prices: { value: 'FILE', text: 'a price table (dollars per million tokens) for models Loom has no price for' },
  tpm: { value: 'N', text: 'tokens per minute per provider; calls wait their turn (off by default)' },
  'breaker-failures': { value: 'N', text: 'agent failures in a row that pause the run (default 3; 0 turns it off)' },
  'breaker-tpm': { value: 'N', text: 'a spend rate in tokens per minute that pauses the run' },
  'breaker-usd-per-minute': { value: 'DOLLARS', text: 'a spend rate in dollars per minute that pauses the run' },
  'loom-home': { value: 'DIR', text: 'where the run is kept (default LOOM_HOME, else ~/.loom)' },
  'verifier-model': { value: 'NAME', text: 'a different model for the verifier, on the same endpoint' },
  otlp: { value: 'URL', text: 'export the run as OpenTelemetry spans at the end (or OTEL_EXPORTER_OTLP_ENDPOINT)' },
  policy: { value: 'FILE', text: 'what agents may do without asking, what needs approval, what is denied (docs/policy.md)' },
  'on-predicted-conflict': { value: 'tell|hold|off', text: 'what a conflict predicted between two tasks in flight does (docs/conflicts.md)' },
  yes: { text: 'approve every approval the policy asks for (CI)' },
  no: { text: 'deny every approval the policy asks for (CI)' },
};
