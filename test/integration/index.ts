// The tests module the VS Code extension host loads (extensionTestsPath): runIntegration.ts
// bundles it with mocha and every test/integration/*.test.ts into dist-test/integration/index.js.
import { runMocha } from '../vscode/mochaRunner';

/** The spec names (test/integration/<name>.test.ts), filled in by the bundler. */
declare const LOOM_INTEGRATION_SPECS: readonly string[];

export function run(): Promise<void> {
  return runMocha(() => {
    for (const name of LOOM_INTEGRATION_SPECS) require(`./${name}.test.ts`);
  });
}
