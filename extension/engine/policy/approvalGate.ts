import type { Action, ActionPolicy } from '../../protocol/policy';
import { classifyAction, describeAction, inFileScope, relativeToolPath } from './actionPolicy';
import { isSecretBearingPath } from './secretFiles';

/** A person's (or a timeout's) answer to one approval, as the agent's worker receives it. */
export interface ApprovalAnswer {
  approved: boolean;
  /** Who decided: `user`, `cli`, `cli --yes`, `timeout`, `agentStopped`, `runStopped`, … */
  by: string;
  escalationId: string | null;
  /** For the model when it was not approved. */
  message: string;
}

/** Asks whoever can approve (the coordinator, which journals an approval escalation) and waits. */
export type AskApproval = (request: { action: Action; reason: string }, signal?: AbortSignal) => Promise<ApprovalAnswer>;

/** One tool call as the gate sees it, before it reaches its MCP server. */
export interface GatedCall {
  server: string;
  tool: string;
  /** True for Loom's own tool server, whose tools the gate knows by name. */
  loom: boolean;
  args: Record<string, unknown>;
}

export type GateVerdict = { ok: true } | { ok: false; text: string };

/** What McpAgentTools asks before every call. */
export interface ToolGate {
  check(call: GatedCall, signal?: AbortSignal): Promise<GateVerdict>;
}

export interface PolicyGateOptions {
  policy: ActionPolicy;
  /** The run's command allowlist (`isCommandAllowed`). */
  allowlist: readonly string[];
  /** The task's file-scope globs. */
  fileScope: readonly string[];
  /** The agent's worktree, to make tool paths relative. */
  worktree: string;
  ask: AskApproval;
  /** A refusal by the policy itself (no question asked), to journal. */
  onDeny(action: Action, reason: string): void;
}

const MAX_ARGUMENT_CHARS = 300;

/** The consequential action a tool call is, or null when the policy has nothing to say about it. */
export function actionOfToolCall(call: GatedCall, options: Pick<PolicyGateOptions, 'policy' | 'fileScope' | 'worktree'>): Action | null {
  if (!call.loom) {
    if (options.policy.mcpServers[call.server] === undefined) return null;
    const json = JSON.stringify(call.args);
    return { kind: 'mcpTool', server: call.server, tool: call.tool, arguments: json.length > MAX_ARGUMENT_CHARS ? `${json.slice(0, MAX_ARGUMENT_CHARS)}…` : json };
  }
  switch (call.tool) {
    case 'run_command': {
      const argv = call.args.command;
      // A malformed argv is the server's to refuse (schema validation); nothing would run.
      if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a): a is string => typeof a === 'string')) return null;
      return { kind: 'command', argv };
    }
    case 'read_file': {
      const rel = typeof call.args.path === 'string' ? relativeToolPath(call.args.path, options.worktree) : null;
      return rel !== null && isSecretBearingPath(rel) ? { kind: 'readSecretFile', path: rel } : null;
    }
    case 'write_file': {
      const rel = typeof call.args.path === 'string' ? relativeToolPath(call.args.path, options.worktree) : null;
      return rel !== null && !inFileScope(rel, options.fileScope) ? { kind: 'writeOutsideScope', path: rel, scope: [...options.fileScope] } : null;
    }
    default:
      return null;
  }
}

/**
 * The gate in the agent's worker: every tool call is classified before it reaches its server.
 * `allow` goes ahead; `deny` comes back as a tool error (journaled); `approve` waits on an approval
 * escalation and goes ahead only when a person approves it in time.
 */
export function createPolicyGate(options: PolicyGateOptions): ToolGate {
  return {
    async check(call, signal) {
      const action = actionOfToolCall(call, options);
      if (!action) return { ok: true };
      const { decision, reason } = classifyAction(action, options.policy, options.allowlist);
      switch (decision) {
        case 'allow':
          return { ok: true };
        case 'deny':
          options.onDeny(action, reason);
          return { ok: false, text: `denied by Loom's policy: you may not ${describeAction(action)} (${reason}). Do not retry it; do the task another way, or report_result with status "blocked" and say what you needed.` };
        case 'approve': {
          const answer = await options.ask({ action, reason }, signal);
          if (answer.approved) return { ok: true };
          return { ok: false, text: `not approved: ${answer.message}. You may not ${describeAction(action)}; do not retry it; do the task another way, or report_result with status "blocked" and say what you needed.` };
        }
        default: {
          const unhandled: never = decision;
          throw new Error(`unknown decision ${String(unhandled)}`);
        }
      }
    },
  };
}
