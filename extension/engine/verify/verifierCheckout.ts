import * as path from 'node:path';
import { throwIfAborted } from '../../base/cancellation';
import { agentEnvironment } from '../sandbox/agentEnvironment';
import { prepareDependencyMounts } from '../sandbox/dependencyMounts';
import { writeMaskedGitConfig } from '../sandbox/gitConfigMask';
import { sandboxRunner } from '../sandbox/sandboxRunner';
import { runSetupRecipe } from '../sandbox/setupRecipe';
import { gitCommonDirOf } from '../workspace/git';
import type { CheckOutcome } from './failToPass';
import type { CommandSandbox } from './runCommand';
import type { VerifyTaskInput } from './verifyTask';

/**
 * The sandbox of the verifier's checkout at each commit it is reset to: only the checkout
 * writable, the repository's git config masked, loopback network, and the user's installed
 * dependencies copy-on-write with a fresh upper layer per commit (`<scratch>/deps-<phase>`), so
 * nothing a start-commit run wrote into them is seen by the branch's runs. Unconfined (no
 * sandbox): undefined, and the checkout gets no dependencies.
 */
export async function checkoutConfinement(
  input: Pick<VerifyTaskInput, 'repo' | 'sandbox'>,
  scratch: string,
): Promise<(dir: string, phase: string) => Promise<CommandSandbox | undefined>> {
  const sandbox = input.sandbox;
  if (!sandbox || sandbox.spec.kind === 'none') return () => Promise.resolve(undefined);
  const { spec, runId, agentId } = sandbox;
  const gitCommonDir = await gitCommonDirOf(input.repo);
  const gitConfigMask = await writeMaskedGitConfig(gitCommonDir, path.join(scratch, 'git-config'));
  return async (dir, phase) => {
    const dependencies = await prepareDependencyMounts(input.repo, dir, path.join(scratch, `deps-${phase}`), { copyOnWrite: spec.unshare !== undefined });
    return {
      runner: sandboxRunner(spec),
      confinement: { writable: [dir], readable: [], dependencies, network: 'loopback', gitCommonDir, gitConfigMask },
      env: agentEnvironment({ runId, agentId }),
    };
  };
}

export type CheckoutWhere = 'branch' | 'start commit';

/** The check that reports the setup recipe in a checkout. */
export function setupCheckName(where: CheckoutWhere): string {
  return `setup (${where} checkout)`;
}

/** The repository's setup recipe in the verifier's checkout, as a check (`setup (<where> checkout)`). */
export async function setUpCheckout(
  recipe: string,
  dir: string,
  where: CheckoutWhere,
  sandbox: CommandSandbox | undefined,
  signal: AbortSignal | undefined,
): Promise<{ check: string; outcome: CheckOutcome }> {
  throwIfAborted(signal);
  const outcome = await runSetupRecipe(recipe, dir, sandbox, signal);
  return {
    check: setupCheckName(where),
    outcome: {
      passed: outcome.passed,
      findings: outcome.passed
        ? []
        : [
            {
              severity: 'error',
              rule: 'setup/failed',
              message: `the setup recipe failed in the ${where} checkout (${outcome.exitCode === null ? 'killed' : `exit ${outcome.exitCode}`}), so its tests cannot be trusted`,
              evidence: outcome.output.slice(-1500),
            },
          ],
      detail: `${outcome.passed ? 'ok' : 'failed'} in ${(outcome.durationMs / 1000).toFixed(1)} s`,
    },
  };
}
