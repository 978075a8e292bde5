export interface ServerArgs {
  root: string;
  allow: string[];
  commandTimeoutMs: number;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;

/** `--root <dir> [--allow <cmd>]... [--command-timeout-ms N]`; throws with a usage message. */
export function parseServerArgs(argv: string[]): ServerArgs {
  let root: string | undefined;
  const allow: string[] = [];
  let commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
  const usage = 'usage: loomToolServer --root <dir> [--allow <cmd>]... [--command-timeout-ms N]';
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag !== '--root' && flag !== '--allow' && flag !== '--command-timeout-ms') {
      throw new Error(`unknown argument "${flag}"\n${usage}`);
    }
    if (value === undefined) throw new Error(`${flag} needs a value\n${usage}`);
    i++;
    if (flag === '--root') root = value;
    else if (flag === '--allow') allow.push(value);
    else {
      const n = Number(value);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`--command-timeout-ms must be a positive integer, got "${value}"`);
      commandTimeoutMs = n;
    }
  }
  if (!root) throw new Error(`--root is required\n${usage}`);
  return { root, allow, commandTimeoutMs };
}
