/**
 * The line saying the test runner itself could not be started — it is not installed where the
 * command looked — or undefined. Such a run proves nothing about the code: an environment to fix
 * (a missing install: see --setup), never a failing test.
 */
export function runnerMissingLine(stdout: string, stderr: string, exitCode: number | null): string | undefined {
  if (exitCode === 0) return undefined;
  const text = `${stderr}\n${stdout}`;
  const patterns = [
    // npx of a package that is not in node_modules, offline (the sandbox) or not on the registry.
    /^npm (?:error|ERR!) code (?:ENOTCACHED|E404|ENOTFOUND|EAI_AGAIN)\b.*$/m,
    /^npm (?:error|ERR!) could not determine executable to run.*$/m,
    // A script naming a program that is not installed: sh's and bash's words (exit 127).
    /^(?:sh|bash|\/bin\/sh): (?:\d+: )?[^\s:]+: (?:not found|command not found)$/m,
    /^[^\s:]+: command not found$/m,
  ];
  for (const pattern of patterns) {
    const m = pattern.exec(text);
    if (m) return m[0].trim();
  }
  return undefined;
}
