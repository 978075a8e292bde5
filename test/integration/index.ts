// The tests module the VS Code extension host loads (extensionTestsPath): runIntegration.ts
// bundles it with mocha and every test/integration/*.test.ts into dist-test/integration/index.js.
// windowReload reloads the window at the end of the first pass; the workbench then loads this module
// again in a new extension host, which runs only the part after the reload (see reloadMarker.ts).
import { runMocha } from '../vscode/mochaRunner';
import { readReloadMarker } from './reloadMarker';

/** The spec names (test/integration/<name>.test.ts), filled in by the bundler. */
declare const LOOM_INTEGRATION_SPECS: readonly string[];

const RELOAD_SPEC = 'windowReload';

export function run(): Promise<void> {
  const afterReload = readReloadMarker() !== null;
  return runMocha(() => {
    if (afterReload) {
      require(`./${RELOAD_SPEC}.test.ts`);
      return;
    }
    // The reload spec goes last: the reload ends this extension host.
    for (const name of LOOM_INTEGRATION_SPECS) if (name !== RELOAD_SPEC) require(`./${name}.test.ts`);
    if (LOOM_INTEGRATION_SPECS.includes(RELOAD_SPEC)) require(`./${RELOAD_SPEC}.test.ts`);
  });
}
