// Runs mocha inside the VS Code extension host (bundled with the tests module by esbuild, so the
// host needs nothing installed). Spec files are loaded by `loadSpecs` after mocha's BDD globals
// (describe, it, before…) exist, the same way `mocha` loads files itself.
import Mocha from 'mocha';

export interface MochaRunOptions {
  /** Per-test timeout; the extension host is slower than plain Node. Default 60 s. */
  readonly timeoutMs?: number;
}

/** Resolves when every test passed; rejects with the failure count otherwise (the host then exits 1). */
export function runMocha(loadSpecs: () => void, options: MochaRunOptions = {}): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: options.timeoutMs ?? 60_000,
    // Passed through code-server's environment by runIntegration.ts --grep.
    grep: process.env.LOOM_TEST_GREP || undefined,
  });
  mocha.suite.emit('pre-require', globalThis, 'vscode-extension-host', mocha);
  loadSpecs();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
