// CLI: runs the integration tests (test/integration/*.test.ts, mocha) inside a real VS Code
// extension host — code-server + headless Chromium — and exits with their exit code.
//
//   npx tsx test/vscode/runIntegration.ts               Loom (repo root; needs `npm run build` first)
//   npx tsx test/vscode/runIntegration.ts --self-test   the harness against its fixture extension
//
// Options: --extension DIR, --tests DIR (holding index.ts and *.test.ts), --workspace DIR,
// --grep PATTERN, --timeout MS, --env KEY=VALUE (repeatable; reaches the extension host),
// --keep-state (keep code-server's user data and logs), --verbose (print code-server's output).
// It does not build the extension; it only bundles the tests module (mocha included) with esbuild
// into dist-test/<tests>/index.js. Install code-server first: bash test/vscode/install.sh.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { runInVsCode } from './runInVsCode';

const repoRoot = resolve(__dirname, '..', '..');

export interface BundleTestsResult {
  readonly outfile: string;
  readonly specs: readonly string[];
}

/** Bundles `<testsDir>/index.ts` with mocha and every `<testsDir>/*.test.ts` into one CJS file. */
export async function bundleTests(testsDir: string): Promise<BundleTestsResult> {
  const entry = join(testsDir, 'index.ts');
  if (!existsSync(entry)) throw new Error(`no tests module at ${entry}`);
  const specs = readdirSync(testsDir)
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => file.slice(0, -'.test.ts'.length))
    .sort();
  const name = relative(join(repoRoot, 'test'), testsDir).split(/[\\/]/).join('-') || basename(testsDir);
  const outfile = join(repoRoot, 'dist-test', name, 'index.js');
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    sourcemap: true,
    logLevel: 'warning',
    // mocha's parallel mode (unused here) resolves worker files by path; the bundle never needs them.
    logOverride: { 'require-resolve-not-external': 'silent' },
    define: { LOOM_INTEGRATION_SPECS: JSON.stringify(specs) },
  });
  return { outfile, specs };
}

/** Fails early, with the fix, when the extension's `main` has not been built. */
export function checkExtensionBuilt(extensionDir: string): void {
  const manifestPath = join(extensionDir, 'package.json');
  if (!existsSync(manifestPath)) throw new Error(`no extension manifest at ${manifestPath}`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { main?: string; publisher?: string; name?: string };
  if (!manifest.main) throw new Error(`${manifestPath} has no "main": the extension ${manifest.publisher}.${manifest.name} cannot activate`);
  const main = resolve(extensionDir, manifest.main);
  if (![main, `${main}.js`].some((file) => existsSync(file))) {
    throw new Error(`${relative(process.cwd(), main)} does not exist: build the extension first (npm run build)`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      extension: { type: 'string' },
      tests: { type: 'string' },
      workspace: { type: 'string' },
      grep: { type: 'string' },
      timeout: { type: 'string' },
      env: { type: 'string', multiple: true },
      'self-test': { type: 'boolean' },
      'keep-state': { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
  });
  const selfTest = values['self-test'] ?? false;
  const extensionDir = resolve(values.extension ?? (selfTest ? join(__dirname, 'fixtures', 'extension') : repoRoot));
  const testsDir = resolve(values.tests ?? (selfTest ? join(__dirname, 'fixtures', 'suite') : join(repoRoot, 'test', 'integration')));
  const env: Record<string, string> = {};
  for (const pair of values.env ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--env expects KEY=VALUE, got ${pair}`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (values.grep) env.LOOM_TEST_GREP = values.grep;

  const started = Date.now();
  checkExtensionBuilt(extensionDir);
  const { outfile, specs } = await bundleTests(testsDir);
  console.log(`[vscode] extension ${relative(process.cwd(), extensionDir) || '.'}; specs: ${specs.join(', ') || '(none)'}`);

  const result = await runInVsCode({
    extensionDevelopmentPath: extensionDir,
    extensionTestsPath: outfile,
    workspace: values.workspace ? resolve(values.workspace) : undefined,
    timeoutMs: values.timeout ? Number(values.timeout) : undefined,
    serverOptions: {
      env,
      keepState: values['keep-state'] ?? false,
      onOutput: values.verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
    },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.timedOut) console.error(`[vscode] timed out; the tests module never reported an exit code`);
  if (result.code >= 124 && result.browserErrors.length) {
    console.error(`[vscode] workbench errors:\n  ${result.browserErrors.slice(-20).join('\n  ')}`);
  }
  const { serverStart, pageLoad, untilExit } = result.phasesMs;
  const phases = `code-server ${(serverStart / 1000).toFixed(1)}s, page ${(pageLoad / 1000).toFixed(1)}s, extension host + tests ${(untilExit / 1000).toFixed(1)}s`;
  console.log(`[vscode] exit code ${result.code} in ${seconds}s (${phases})`);
  return result.code;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`[vscode] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(2);
    },
  );
}
