import * as path from 'node:path';
import picomatch from 'picomatch';
import { ActionPolicySchema, type Action, type ActionPolicy, type Decision } from '../../protocol/policy';
import { describeIssues, readJsonConfigFile } from '../config/jsonConfigFile';
import { isCommandAllowed } from './commandAllowlist';

/** A policy file or setting that cannot be used; the message says where and what, never a stack. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** Validates a policy object (the parsed file, or the `loom.policy` setting). Throws PolicyError naming `source`. */
export function parsePolicy(input: unknown, source: string): ActionPolicy {
  const parsed = ActionPolicySchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new PolicyError(`${source} is not a valid Loom policy (see docs/policy.md):\n  ${describeIssues(parsed.error).join('\n  ')}`);
}

/** Reads a policy file: JSON, comments and trailing commas allowed. Throws PolicyError. */
export function loadPolicyFile(file: string): ActionPolicy {
  return parsePolicy(readJsonConfigFile(file, 'policy file', (m) => new PolicyError(m)), `the policy file ${file}`);
}

/**
 * The policy a run applies. Without a sandbox nothing makes a command harmless, so every command
 * that would be allowed needs approval instead (denials stay denials).
 */
export function effectivePolicy(policy: ActionPolicy, context: { confined: boolean }): ActionPolicy {
  if (context.confined) return policy;
  const stricter = (d: Decision): Decision => (d === 'allow' ? 'approve' : d);
  const programs = Object.fromEntries(Object.entries(policy.commands.programs).map(([program, d]) => [program, stricter(d)]));
  return { ...policy, commands: { allowlisted: stricter(policy.commands.allowlisted), other: stricter(policy.commands.other), programs } };
}

export interface Classification {
  decision: Decision;
  /** Why, in one phrase, for the question, the journal and the model. */
  reason: string;
}

/** The one classification rule for every action kind. `allowlist` is the run's command allowlist. */
export function classifyAction(action: Action, policy: ActionPolicy, allowlist: readonly string[]): Classification {
  switch (action.kind) {
    case 'command': {
      // Per-program rules first, matched by the one allowlist rule (bare name or absolute path).
      for (const [program, decision] of Object.entries(policy.commands.programs)) {
        if (isCommandAllowed(action.argv, [program])) return { decision, reason: `the policy names \`${program}\`` };
      }
      if (isCommandAllowed(action.argv, allowlist)) return { decision: policy.commands.allowlisted, reason: `\`${action.argv[0]}\` is on the command allowlist` };
      return { decision: policy.commands.other, reason: `\`${action.argv[0] ?? ''}\` is not on the command allowlist (${allowlist.join(', ') || 'empty'})` };
    }
    case 'readSecretFile':
      return { decision: policy.readSecretFile, reason: `${action.path} commonly holds secrets` };
    case 'writeOutsideScope':
      return { decision: policy.writeOutsideScope, reason: `${action.path} is outside the task's file scope (${action.scope.join(', ')})` };
    case 'network':
      if (action.network === 'loopback') return { decision: 'allow', reason: 'loopback only' };
      return { decision: policy.network, reason: `MCP server "${action.server}" is configured with network beyond loopback ("${action.network}")` };
    case 'mcpTool': {
      const decision = policy.mcpServers[action.server] ?? 'allow';
      return { decision, reason: `the policy says "${decision}" for MCP server "${action.server}"` };
    }
    case 'mergeIntoUserBranch':
      return { decision: policy.mergeIntoUserBranch, reason: `it merges into your branch ${action.branch}` };
    case 'extendBudget':
      return { decision: policy.extendBudget, reason: `task ${action.taskId} used ${action.usedTokens} of its ${action.limitTokens}-token budget` };
    case 'extendRunBudget':
      return { decision: policy.extendBudget, reason: `the run used ${formatAmount(action.unit, action.used)} of its ${formatAmount(action.unit, action.limit)} budget` };
    case 'resumeRun':
      return { decision: policy.resumeRun, reason: `the circuit breaker paused the run: ${action.detail}` };
    default: {
      const unhandled: never = action;
      throw new Error(`unknown action ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The action in a few words, for questions and messages: `run \`touch x\``. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'command':
      return `run \`${action.argv.map((a) => (/^[\w./:=@+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}\``;
    case 'readSecretFile':
      return `read \`${action.path}\``;
    case 'writeOutsideScope':
      return `write \`${action.path}\``;
    case 'network':
      return `start MCP server "${action.server}" with network access (${action.network})`;
    case 'mcpTool':
      return `call \`${action.server}__${action.tool}\` with ${action.arguments}`;
    case 'mergeIntoUserBranch':
      return `merge into \`${action.branch}\``;
    case 'extendBudget':
      return `give task ${action.taskId} ${action.extraTokens} more tokens`;
    case 'extendRunBudget':
      return `give the run ${formatAmount(action.unit, action.extra)} more`;
    case 'resumeRun':
      return 'resume the paused run';
    default: {
      const unhandled: never = action;
      throw new Error(`unknown action ${JSON.stringify(unhandled)}`);
    }
  }
}

function formatAmount(unit: 'tokens' | 'usd', amount: number): string {
  return unit === 'usd' ? `$${amount.toFixed(2)}` : `${Math.round(amount)} tokens`;
}

/**
 * A tool path as a POSIX path relative to the worktree, or null when it is not inside it (the tool
 * server refuses those itself).
 */
export function relativeToolPath(requested: string, worktree: string): string | null {
  const slashed = requested.replace(/\\/g, '/');
  const abs = path.posix.isAbsolute(slashed) ? slashed : path.posix.join(worktree.replace(/\\/g, '/'), slashed);
  const rel = path.posix.relative(worktree.replace(/\\/g, '/'), path.posix.normalize(abs));
  if (rel === '' || rel.startsWith('../') || rel === '..' || path.posix.isAbsolute(rel)) return null;
  return rel;
}

/** Whether a relative path matches the task's file-scope globs (the same matching as the verifier's scope check). */
export function inFileScope(relative: string, fileScope: readonly string[]): boolean {
  return picomatch([...fileScope], { dot: true })(relative);
}
