// Builds every entry point as its own bundle. Worker and subprocess entries are spawned by path
// from dist/ (esbuild does not bundle `new Worker(new URL(...))`), so each is listed here.
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';

const watch = process.argv.includes('--watch');

/** Node bundles: the CLI, the agent worker and Loom's MCP tool server. None may contain 'vscode'. */
const nodeEntries = {
  'cli/main': 'extension/cli/main.ts',
  'workers/agentWorker': 'extension/workers/agentWorker.ts',
  'tools/loomToolServer': 'extension/engine/tools/server/main.ts',
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  outdir: 'dist',
};

async function build() {
  const ctx = await esbuild.context({ ...common, entryPoints: nodeEntries, external: [], metafile: true });
  if (watch) {
    await ctx.watch();
    return;
  }
  const result = await ctx.rebuild();
  await ctx.dispose();
  await checkNoVscode(result.metafile);
}

/** DESIGN.md rule 9: a worker or engine bundle that pulls in 'vscode' is a build error. */
async function checkNoVscode(metafile) {
  for (const [out, info] of Object.entries(metafile.outputs)) {
    if (!out.endsWith('.js')) continue;
    const imports = info.imports ?? [];
    if (imports.some((i) => i.path === 'vscode')) throw new Error(`${out} imports 'vscode'`);
    const text = await readFile(out, 'utf8');
    if (/require\(["']vscode["']\)/.test(text)) throw new Error(`${out} requires 'vscode'`);
  }
}

build().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
