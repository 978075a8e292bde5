// Builds every entry point as its own bundle. Worker and subprocess entries are spawned by path
// from dist/ (esbuild does not bundle `new Worker(new URL(...))`), so each is listed here.
import * as esbuild from 'esbuild';
import { readFile, writeFile, mkdir, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const watch = process.argv.includes('--watch');

/** Node bundles: the CLI and Loom's MCP tool server (the agent worker: below). None may contain 'vscode'. */
const nodeEntries = {
  'cli/main': 'extension/cli/main.ts',
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

/**
 * The agent worker is ESM with code splitting: what a worker loads before its job (the channel and the
 * message schemas) is its own chunk, and each role's code is a chunk loaded with its first job. The
 * folder's package.json makes dist/workers/*.js ESM, so the worker keeps its path.
 */
const workerEntries = { 'workers/agentWorker': 'extension/workers/agentWorker.ts' };

/**
 * zod's messages in English only: its other locales are half of zod's code (366 of 751 KB), which every
 * agent's worker read and compiled at start; Loom never selects a locale (zod's default is English).
 */
export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!args.importer.includes(`${path.sep}node_modules${path.sep}zod${path.sep}`)) return undefined;
      return { path: path.join(path.dirname(args.importer), '../locales/en.js'), namespace: 'zod-english-only' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};
const workerOptions = {
  ...common,
  format: 'esm',
  splitting: true,
  chunkNames: 'workers/chunks/[name]-[hash]',
  plugins: [zodEnglishOnly],
  // Bundled CommonJS dependencies require Node's built-in modules.
  banner: { js: "import { createRequire as __loomCreateRequire } from 'node:module'; const require = __loomCreateRequire(import.meta.url);" },
};

/** The extension host bundle: the only one allowed to require 'vscode' (provided by VS Code at run time). */
const extensionEntries = { extension: 'extension/vscode/extension.ts' };

/** The dashboard webview: a browser bundle (React), loaded under a strict CSP. */
const webviewEntries = existsSync('webview/main.tsx') ? { 'webview/main': 'webview/main.tsx' } : {};

async function build() {
  await mkdir('dist/workers', { recursive: true });
  await writeFile('dist/workers/package.json', '{ "type": "module" }\n');
  const workerContext = await esbuild.context({ ...workerOptions, entryPoints: workerEntries, metafile: true });
  const contexts = [await esbuild.context({ ...common, entryPoints: nodeEntries, metafile: true }), workerContext];
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
    if (ctx === workerContext) {
      await removeStaleChunks(result.metafile);
      await asciiOnly(result.metafile);
    }
  }
  // dist/extension.js is not checked: it is the extension host, built in its own context.
  await extensionContext.rebuild();
  await extensionContext.dispose();
}

/** Chunk names carry a content hash: a chunk no longer written by this build is removed (it would be packaged). */
async function removeStaleChunks(metafile) {
  const dir = 'dist/workers/chunks';
  const written = new Set(Object.keys(metafile.outputs));
  const present = await readdir(dir).catch(() => []);
  await Promise.all(present.filter((name) => !written.has(`${dir}/${name}`)).map((name) => rm(`${dir}/${name}`, { force: true })));
}

/**
 * Every worker chunk ASCII only. esbuild escapes non-ASCII characters in strings but keeps them in comments
 * and regular expressions (an emoji in the openai SDK's doc comments, an em dash in ours), and one such
 * character makes V8 hold the whole chunk's source as a two-byte string in every worker: twice its size
 * (an idle implementor held 2.6 MB of source instead of 1.3). Each is written as its UTF-16 escape (\uXXXX,
 * surrogate pairs for astral ones), which means the same character in a regular expression (u flag or not)
 * and is text in a comment; the chunk is parsed again to prove it still is valid JavaScript.
 */
export async function asciiOnly(metafile) {
  for (const out of Object.keys(metafile.outputs).filter((o) => o.endsWith('.js'))) {
    const text = await readFile(out, 'utf8');
    if (!/[^\x00-\x7f]/.test(text)) continue;
    // A backslash escaping the character (`\×` in a regular expression means `×`) is dropped with it: `\\u00d7` would be a backslash.
    const ascii = text.replace(/(\\*)([^\x00-\x7f])/g, (_, slashes, c) => `${slashes.slice(slashes.length % 2)}\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    await esbuild.transform(ascii, { loader: 'js', format: 'esm', logLevel: 'silent' }).catch((err) => {
      throw new Error(`${out}: not valid JavaScript once ASCII only: ${err.message}`);
    });
    await writeFile(out, ascii);
  }
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

// Imported (test/bench/agentFootprint.bench.ts builds with the same plugins), nothing is built.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  build().catch((err) => {
    console.error(err.message ?? err);
    process.exit(1);
  });
}
