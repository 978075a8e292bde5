import type { Confinement, SandboxSpec } from '../../protocol/sandbox';
import { bubblewrapArgv } from './bubblewrapCommand';

/**
 * The sandbox port: turns a command into the command that runs it confined. Every process that
 * runs agent-influenced code goes through it — Loom's tool server (and so every run_command), the
 * user's MCP servers, the verifier's tests and lint, the merge agent's checks.
 */
export interface SandboxRunner {
  readonly spec: SandboxSpec;
  /** False when nothing confines processes (the policy then asks before every command). */
  readonly confines: boolean;
  /** The argv to spawn instead of `argv`; its cwd must be `cwd`. */
  wrap(argv: readonly string[], confinement: Confinement, cwd: string): string[];
}

class BubblewrapSandbox implements SandboxRunner {
  readonly confines = true;
  constructor(readonly spec: SandboxSpec) {}
  wrap(argv: readonly string[], confinement: Confinement, cwd: string): string[] {
    return bubblewrapArgv(this.spec, confinement, argv, cwd);
  }
}

/** No sandbox on this machine: processes run as they are, and the run said so at start. */
class Unconfined implements SandboxRunner {
  readonly confines = false;
  constructor(readonly spec: SandboxSpec) {}
  wrap(argv: readonly string[]): string[] {
    return [...argv];
  }
}

export function sandboxRunner(spec: SandboxSpec): SandboxRunner {
  return spec.kind === 'bubblewrap' ? new BubblewrapSandbox(spec) : new Unconfined(spec);
}
