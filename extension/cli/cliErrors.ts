import { CancelledError } from '../base/cancellation';
import { PolicyError } from '../engine/policy/actionPolicy';
import { ModelNotConfiguredError } from '../engine/models/modelConfig';
import { ModelError } from '../engine/models/modelProvider';
import { PriceTableError } from '../engine/models/priceTableFile';
import { IntegrationError } from '../engine/merge/integrate';
import { RunResultError } from '../engine/run/runResult';
import { EndpointPreflightError } from '../engine/models/endpointPreflight';
import { ApprovalError } from '../engine/run/approvalBroker';
import { ForkError } from '../engine/run/forkRun';
import { EscalationError } from '../engine/run/resolveEscalation';
import { ResumeError } from '../engine/run/resumePoint';
import { RunInputError } from '../engine/run/runCoordinator';
import { ScenarioError } from '../engine/simulator/loadScenario';
import { McpConfigError } from '../engine/tools/mcpConfig';
import { McpServerStartError } from '../engine/tools/mcpServerConnection';
import { CommandNotAllowedError } from '../engine/verify/runCommand';
import { GitCommandError } from '../engine/workspace/git';
import { GitVersionError, NotAGitRepoError } from '../engine/workspace/gitRepo';
import { LeaseError } from '../engine/workspace/lease';
import { EXIT, UsageError } from './usageError';

type ErrorType = abstract new (...args: never[]) => Error;

/**
 * Every error a person can cause or fix (a flag, a file, the repository, the model endpoint, git),
 * and the exit code it ends the CLI with. Anything else reaching the top is a bug in Loom.
 */
export const USER_ERRORS: ReadonlyArray<readonly [ErrorType, number]> = [
  [UsageError, EXIT.usage],
  [RunInputError, EXIT.usage], // the spec or the repository: unreadable, malformed, no commits
  [ResumeError, EXIT.usage],
  [ForkError, EXIT.usage],
  [ScenarioError, EXIT.usage],
  [ModelNotConfiguredError, EXIT.usage],
  [ModelError, EXIT.usage], // the endpoint refused: its URL, key or model name
  [PolicyError, EXIT.usage],
  [PriceTableError, EXIT.usage],
  [McpConfigError, EXIT.usage],
  [McpServerStartError, EXIT.usage],
  [CommandNotAllowedError, EXIT.usage],
  [EscalationError, EXIT.usage],
  [ApprovalError, EXIT.usage],
  [GitVersionError, EXIT.usage],
  [NotAGitRepoError, EXIT.usage],
  [GitCommandError, EXIT.usage], // git refused on the repository a flag named (not a repository, no such folder)
  [LeaseError, EXIT.usage], // a worktree or branch in the way, LOOM_HOME inside the repository
  [IntegrationError, EXIT.usage], // the integration branch is checked out somewhere
  [RunResultError, EXIT.usage], // loom merge/clean: a dirty tree, a detached HEAD, a conflict with the user's branch
  [EndpointPreflightError, EXIT.usage], // the endpoint cannot answer: unreachable, key refused, model unknown
  [CancelledError, EXIT.taskFailures], // Ctrl+C
];

/**
 * Error types that mean Loom itself went wrong if one reaches the CLI's top: git's output was not
 * as documented (MergeTreeError), or the tool server let an agent's path error escape (PathError).
 * They print their stack. Every `class …Error extends Error` under extension/ is in USER_ERRORS or here.
 */
export const INTERNAL_ERROR_NAMES: readonly string[] = ['MergeTreeError', 'PathError'];

/** Errors of the file system about a path a person gave (Node's SystemError codes). */
const PATH_ERRORS = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'ENAMETOOLONG', 'ELOOP']);

export interface ReportedError {
  exitCode: number;
  /** What goes to stderr, ending with a newline. */
  text: string;
}

/**
 * What the CLI prints for an error that ended `loom <command>`: a user error is `loom <command>:
 * <message>` and a hint, never a stack trace; a bug says it is one and prints the stack.
 */
export function reportError(command: string, err: unknown, usage: readonly string[] = []): ReportedError {
  const prefix = command ? `loom ${command}` : 'loom';
  const hint = `(${prefix} --help describes its arguments and flags)`;
  const parseError = parseArgsMessage(err);
  if (parseError) return { exitCode: EXIT.usage, text: [`${prefix}: ${parseError}`, ...usage, hint, ''].join('\n') };
  const known = err instanceof Error ? USER_ERRORS.find(([type]) => err instanceof type) : undefined;
  if (known) return { exitCode: known[1], text: `${prefix}: ${withoutPrefix(err as Error, command)}\n${known[1] === EXIT.usage ? `${hint}\n` : ''}` };
  const systemError = systemErrorMessage(err);
  if (systemError) return { exitCode: EXIT.usage, text: `${prefix}: ${systemError}\n` };
  const stack = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  return { exitCode: EXIT.taskFailures, text: `${prefix}: unexpected error. This is a bug in Loom; please report it with this output:\n${stack}\n` };
}

/** Messages written as "loom run needs …" read "loom run: needs …" once printed after the prefix. */
function withoutPrefix(err: Error, command: string): string {
  return userMessage(err).replace(new RegExp(`^loom( ${command})?:? `), '');
}

/** git's own words for the two mistakes a person makes most (the folder is not a repository, or not there); the rest as git said it. */
function userMessage(err: Error): string {
  if (!(err instanceof GitCommandError) || typeof err.stderr !== 'string') return err.message;
  if (/not a git repository/.test(err.stderr)) return `${err.cwd} is not a git repository (git init, then commit once)`;
  if (err.stderr.includes(`no such directory: ${err.cwd}`)) return `${err.cwd}: no such folder`;
  return err.message;
}

/** node:util parseArgs's errors, in the CLI's words (its own text suggests `-- "--help"`). */
function parseArgsMessage(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (!(err instanceof TypeError) || !code?.startsWith('ERR_PARSE_ARGS')) return null;
  const quoted = /'([^']+)'/.exec(err.message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted?.split(' ')[0];
      return flag ? `${flag} needs a value` : err.message;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return quoted ? `unexpected argument "${quoted}": this command takes flags only` : err.message;
    default:
      return err.message.split('. ')[0];
  }
}

/** A file system error about a path (a flag named a file that is not there, or a folder): its path and the reason. */
function systemErrorMessage(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | null;
  if (!(e instanceof Error) || !e.code || !PATH_ERRORS.has(e.code) || !e.syscall) return null;
  const reason = e.message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
  return e.path ? `${e.path}: ${reason}` : `${reason} (${e.syscall})`;
}
