// Runs the integration tier on the demo repository: makes a fresh copy (git, `main`, one commit),
// then test/vscode/runIntegration.ts --workspace <it> plus any arguments given here, and removes it.
//   npx tsx test/integration/run.ts [--grep X] [--keep-state] [--verbose]
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createDemoWorkspace, repoRoot } from './demoWorkspace';

const workspace = createDemoWorkspace();
const started = Date.now();
const result = spawnSync(
  process.execPath,
  [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'test', 'vscode', 'runIntegration.ts'), '--workspace', workspace, ...(process.argv.includes('--timeout') ? [] : ['--timeout', '600000']), ...process.argv.slice(2)],
  { cwd: repoRoot, stdio: 'inherit' },
);
console.log(`[integration] wall time ${((Date.now() - started) / 1000).toFixed(1)} s on ${workspace}`);
if (!process.argv.includes('--keep-state')) rmSync(dirname(workspace), { recursive: true, force: true });
process.exit(result.status ?? 1);
