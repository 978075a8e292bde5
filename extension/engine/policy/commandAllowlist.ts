import * as path from 'node:path';

/**
 * The one allowlist rule, used for agents' run_command and for the verifier's own commands alike.
 *
 * argv[0] passes when it is a bare program name on the allowlist (`node`, found through PATH), or
 * an absolute path whose file name is on the allowlist (`/usr/bin/node`). A relative path with a
 * folder (`./node`, `bin/node`) never passes: that is a program the agent may have written itself.
 * A Windows executable extension (`node.exe`, `npm.cmd`) is ignored for the comparison.
 */
export function programName(program: string): string {
  return path.basename(program.replace(/\\/g, '/')).replace(/\.(exe|cmd|bat)$/i, '');
}

export function isCommandAllowed(argv: readonly string[], allowlist: readonly string[]): boolean {
  const program = argv[0];
  if (program === undefined || program === '') return false;
  const hasFolder = /[\\/]/.test(program);
  if (hasFolder && !path.isAbsolute(program) && !path.win32.isAbsolute(program)) return false;
  const name = programName(program);
  return allowlist.some((allowed) => programName(allowed) === name);
}

/** The allowlist as one phrase for messages. */
export function describeAllowlist(allowlist: readonly string[]): string {
  return allowlist.length ? allowlist.join(', ') : '(empty)';
}

/**
 * The allowlist an acceptance check runs under: inside the sandbox a check may be a shell command
 * (`sh -c "…"`), since the sandbox, not the allowlist, is what confines it. One rule for the plan's
 * repair round, the verifier, the merge gate and the semantic check.
 */
export function acceptanceAllowlist(allowlist: readonly string[], confined: boolean): string[] {
  return confined ? [...allowlist, 'sh'] : [...allowlist];
}
