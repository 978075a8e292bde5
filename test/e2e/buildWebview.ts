import * as esbuild from 'esbuild';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Build the webview bundle into dist/webview with the options of esbuild.config.mjs, so the browser
 * tests do not depend on every other entry point building.
 */
export async function buildWebview(): Promise<string> {
  const outdir = path.join(REPO_ROOT, 'dist');
  await esbuild.build({
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    outdir,
    entryPoints: { 'webview/main': 'webview/main.tsx' },
    loader: { '.css': 'css', '.ttf': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    minify: true,
  });
  return outdir;
}
