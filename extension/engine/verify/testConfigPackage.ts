/**
 * `package.json` as test configuration, key by key. What counts (compared and restored):
 * - `scripts` the test command can reach: `test`, `test:*` (and `test-*`, `test.*`, `test_*`), any
 *   script an acceptance or lint command names (`npm run x`, `npm test`, `yarn x`, `pnpm x`,
 *   `bun run x`, `run-s`/`run-p`/`npm-run-all` names and globs, `npm:x` in concurrently, `lerna|turbo
 *   run x`), every script those scripts name in turn, and the `pre`/`post` hook of each;
 * - `PACKAGE_TEST_FIELDS`: runner configuration read from package.json, and the module fields that
 *   decide how source and tests load.
 * Not test configuration: `name`, `description`, `version`, `files`, `bin`, `module`, `browser`,
 * `engines`, … A change to `PACKAGE_DEPENDENCY_FIELDS` is a warning of its own (`deps/changed`),
 * and the branch's values are kept (a task may add a dependency).
 */

export type Manifest = Record<string, unknown>;

/** package.json fields that decide which tests run or how they load, with why. */
export const PACKAGE_TEST_FIELDS: Readonly<Record<string, string>> = {
  jest: 'jest configuration',
  mocha: 'mocha configuration',
  ava: 'ava configuration',
  tap: 'node-tap configuration',
  c8: 'c8 coverage settings (thresholds, exit code)',
  nyc: 'nyc coverage settings (thresholds, exit code)',
  babel: 'babel configuration the test runner transforms with',
  type: 'whether .js files load as ES modules or CommonJS',
  imports: "the package's #subpath imports",
  exports: 'what the package name (and a self-reference from a test) resolves to',
  main: "what require('..') and the package name resolve to",
  config: 'values npm passes to every script as npm_package_config_*',
};

export const PACKAGE_DEPENDENCY_FIELDS: readonly string[] = [
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
  'bundleDependencies',
  'bundledDependencies',
  'overrides',
  'resolutions',
  'pnpm',
  'workspaces',
  'packageManager',
];

export interface KeyChange {
  /** e.g. `scripts.test`, `jest.testMatch`, `type`, `devDependencies.mocha` */
  key: string;
  before: unknown;
  after: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with sorted keys: key order is not a change. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(v[k])}`)
      .join(',')}}`;
  }
  return v === undefined ? 'undefined' : JSON.stringify(v);
}

function same(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

function scriptsOf(m: Manifest): Record<string, unknown> {
  return isObject(m.scripts) ? m.scripts : {};
}

/** A package.json parsed to an object, or undefined when it is not one. */
export function parseManifest(text: string): Manifest | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const TOKEN = `[^\\s&|;<>()'"\`]+`;
const NAMED_BY = [
  new RegExp(`\\b(?:npm|pnpm|yarn|bun)\\s+(?:run-script|run|rum|urn)\\s+(?:--?\\w[\\w-]*(?:=\\S+)?\\s+)*(${TOKEN})`, 'g'),
  new RegExp(`\\b(?:yarn|pnpm)\\s+(?!(?:run|run-script|exec|dlx)\\b)([A-Za-z][\\w:.-]*)`, 'g'),
  new RegExp(`\\b(?:lerna|turbo)\\s+run\\s+(${TOKEN})`, 'g'),
  new RegExp(`\\bnpm:(${TOKEN})`, 'g'),
  /\bnpm\s+(start|stop|restart)\b/g,
];

/** Script names (or npm-run-all globs such as `test:*`) that a command or script body runs. */
export function scriptsNamedIn(text: string): string[] {
  const names: string[] = [];
  for (const re of NAMED_BY) for (const m of text.matchAll(re)) names.push(m[1]);
  if (/\b(?:npm|pnpm|yarn|bun)\s+(?:test|tst|t)\b/.test(text)) names.push('test');
  for (const m of text.matchAll(/\b(?:run-s|run-p|npm-run-all)\b([^&|;]*)/g)) {
    for (const arg of m[1].trim().split(/\s+/)) {
      const name = arg.replace(/^['"]|['"]$/g, '');
      if (name && !name.startsWith('-')) names.push(name);
    }
  }
  return names;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^:]*'),
    )
    .join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * Every script of either manifest that the test command (or one of `commands`) can reach: see the
 * header. Sorted.
 */
export function reachableScripts(manifests: readonly Manifest[], commands: readonly (readonly string[])[] = []): string[] {
  const all = new Set(manifests.flatMap((m) => Object.keys(scriptsOf(m))));
  const reached = new Set<string>();
  const queue: string[] = [];
  const globs = new Set<string>();
  const add = (nameOrGlob: string) => {
    let names = [nameOrGlob];
    if (nameOrGlob.includes('*')) {
      if (globs.has(nameOrGlob)) return;
      globs.add(nameOrGlob);
      const re = globToRegExp(nameOrGlob);
      names = [...all].filter((n) => re.test(n));
    }
    for (const n of names) {
      if (reached.has(n)) continue;
      reached.add(n);
      queue.push(n);
    }
  };
  add('test');
  for (const n of all) if (/^test[:._-]/.test(n)) add(n);
  for (const command of commands) for (const n of scriptsNamedIn(command.join(' '))) add(n);
  while (queue.length > 0) {
    const n = queue.shift() as string;
    for (const hook of [`pre${n}`, `post${n}`]) if (all.has(hook)) add(hook);
    for (const m of manifests) {
      const body = scriptsOf(m)[n];
      if (typeof body === 'string') for (const named of scriptsNamedIn(body)) add(named);
    }
  }
  return [...reached].filter((n) => all.has(n)).sort();
}

function fieldChanges(field: string, before: unknown, after: unknown): KeyChange[] {
  if (same(before, after)) return [];
  if (!isObject(before) || !isObject(after)) return [{ key: field, before, after }];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter((k) => !same(before[k], after[k])).map((k) => ({ key: `${field}.${k}`, before: before[k], after: after[k] }));
}

/** Test-related and dependency keys that differ between the start and head manifests. */
export function manifestChanges(start: Manifest, head: Manifest, commands: readonly (readonly string[])[] = []): { test: KeyChange[]; deps: KeyChange[] } {
  const test: KeyChange[] = [];
  const before = scriptsOf(start);
  const after = scriptsOf(head);
  for (const name of reachableScripts([start, head], commands)) {
    if (!same(before[name], after[name])) test.push({ key: `scripts.${name}`, before: before[name], after: after[name] });
  }
  for (const field of Object.keys(PACKAGE_TEST_FIELDS)) test.push(...fieldChanges(field, start[field], head[field]));
  const deps = PACKAGE_DEPENDENCY_FIELDS.flatMap((field) => fieldChanges(field, start[field], head[field]));
  return { test, deps };
}

/**
 * The head manifest with its test-related keys put back to the start manifest's values (keys the
 * start did not have are removed); everything else, dependencies included, stays the branch's.
 */
export function restoreManifestTestKeys(start: Manifest, head: Manifest, commands: readonly (readonly string[])[] = []): { manifest: Manifest; keys: string[] } {
  const { test } = manifestChanges(start, head, commands);
  const manifest: Manifest = { ...head };
  for (const field of Object.keys(PACKAGE_TEST_FIELDS)) {
    if (same(start[field], head[field])) continue;
    if (start[field] === undefined) delete manifest[field];
    else manifest[field] = start[field];
  }
  const scriptChanges = test.filter((c) => c.key.startsWith('scripts.'));
  if (scriptChanges.length > 0) {
    const scripts: Record<string, unknown> = { ...scriptsOf(head) };
    for (const { key, before } of scriptChanges) {
      const name = key.slice('scripts.'.length);
      if (before === undefined) delete scripts[name];
      else scripts[name] = before;
    }
    manifest.scripts = scripts;
  }
  return { manifest, keys: test.map((c) => c.key) };
}

/** Serialises a manifest the way `like` (the file it replaces) was written: indent and final newline. */
export function formatManifest(manifest: Manifest, like: string): string {
  const indent = /^[ \t]+(?=")/m.exec(like)?.[0] ?? '  ';
  return JSON.stringify(manifest, null, indent) + (like.endsWith('\n') || like === '' ? '\n' : '');
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** `scripts.test ("mocha" → "node -e 0")` */
export function describeChange(c: KeyChange): string {
  return `${c.key} (${show(c.before)} → ${show(c.after)})`;
}

/** Why a test-related key matters, for the message. */
export function whyKey(key: string): string {
  const [field] = key.split('.');
  return field === 'scripts' ? 'a script the test command runs' : (PACKAGE_TEST_FIELDS[field] ?? field);
}
