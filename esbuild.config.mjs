// Builds every entry point as its own bundle. Worker and subprocess entries are spawned by path
// from dist/ (esbuild does not bundle `new Worker(new URL(...))`), so each is listed here.
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';

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

/** The extension host bundle: the only one allowed to require 'vscode' (provided by VS Code at run time). */
const extensionEntries = { extension: 'extension/vscode/extension.ts' };

/** The dashboard webview: a browser bundle (React), loaded under a strict CSP. */
const webviewEntries = existsSync('webview/main.tsx') ? { 'webview/main': 'webview/main.tsx' } : {};

async function build() {
  const contexts = [await esbuild.context({ ...common, entryPoints: nodeEntries, metafile: true })];
  const extensionContext = await esbuild.context({ ...common, entryPoints: extensionEntries, external: ['vscode'] });
  if (Object.keys(webviewEntries).length) {
    contexts.push(
      await esbuild.context({
        ...common,
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
        entryPoints: webviewEntries,
        loader: { '.css': 'css', '.ttf': 'file' },
        // Fonts beside the bundle, inside the webview's localResourceRoots (dist/webview).
        assetNames: 'webview/[name]-[hash]',
        define: { 'process.env.NODE_ENV': '"production"' },
        minify: true,
        metafile: true,
      }),
    );
  }
  if (watch) {
    await Promise.all([...contexts, extensionContext].map((c) => c.watch()));
    return;
  }
  for (const ctx of contexts) {
    const result = await ctx.rebuild();
    await ctx.dispose();
    await checkNoVscode(result.metafile);
  }
  // dist/extension.js is not checked: it is the extension host, built in its own context.
  await extensionContext.rebuild();
  await extensionContext.dispose();
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
