export interface ServerArgs {
  root: string;
  commandTimeoutMs: number;
  /** Started as the main process of a sandbox's PID namespace: end what each command leaves running. */
  reapOrphans: boolean;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;

const USAGE = 'usage: loomToolServer --root <dir> [--command-timeout-ms N] [--reap-orphans]';

/** `--root <dir> [--command-timeout-ms N] [--reap-orphans]`; throws with a usage message. */
export function parseServerArgs(argv: string[]): ServerArgs {
  let root: string | undefined;
  let reapOrphans = false;
  let commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--reap-orphans') {
      reapOrphans = true;
      continue;
    }
    const value = argv[i + 1];
    if (flag !== '--root' && flag !== '--command-timeout-ms') throw new Error(`unknown argument "${flag}"\n${USAGE}`);
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    i++;
    if (flag === '--root') root = value;
    else {
      const n = Number(value);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`--command-timeout-ms must be a positive integer, got "${value}"`);
      commandTimeoutMs = n;
    }
  }
  if (!root) throw new Error(`--root is required\n${USAGE}`);
  return { root, commandTimeoutMs, reapOrphans };
}
