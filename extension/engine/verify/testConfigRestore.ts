import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { runGit } from '../workspace/git';
import { babelTests, blobAt, filesAt, lockfileFollowsDependencies } from './testConfig';
import { formatManifest, manifestChanges, parseManifest, restoreManifestTestKeys } from './testConfigPackage';
import { isPackageManifest, testConfigKind } from './testPaths';

export interface ConfigRestore {
  /** Configuration files checked out from the start commit (modified, deleted or renamed away by the task). */
  restored: string[];
  /** Configuration files the task added, removed from the checkout. */
  removed: string[];
  /** package.json files whose test-related keys were put back to the start commit's values; the rest stays the branch's. */
  packageKeys: { file: string; keys: string[] }[];
  /** Lockfiles left as the branch has them: the package.json beside them changed its dependencies. */
  keptLockfiles: string[];
}

const CHUNK = 200;

interface WorkingChange {
  status: string;
  path: string;
}

/** The working tree of `dir` against `rev`, renames split into a deletion and an addition. */
async function workingChanges(dir: string, rev: string): Promise<WorkingChange[]> {
  const parts = (await runGit(dir, ['diff', '--name-status', '--no-renames', '--no-ext-diff', '-z', rev, '--'])).stdout.split('\0').filter((p) => p.length > 0);
  const changes: WorkingChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) changes.push({ status: parts[i][0], path: parts[i + 1] });
  return changes;
}

/** A regular file's text in the checkout; undefined when absent or not a regular file (a symlink is never followed). */
async function readRegularFile(dir: string, file: string): Promise<string | undefined> {
  const full = path.join(dir, file);
  const stat = await fs.lstat(full).catch(() => undefined);
  return stat?.isFile() ? fs.readFile(full, 'utf8') : undefined;
}

/**
 * Makes the checkout `dir` (the task branch) run with the start commit's test configuration:
 * configuration files (testPaths.ts `TEST_CONFIG_KINDS`) the task changed or deleted are checked out
 * from the start commit and ones it added are removed; in every package.json the test-related keys
 * (testConfigPackage.ts) go back to the start commit's values while the rest, dependencies
 * included, stays the branch's. A lockfile beside a package.json whose dependencies changed is kept
 * (it belongs to those dependencies). Runs whatever the task's file scope says.
 */
export async function restorePristineConfig(input: { dir: string; startCommit: string; commands?: readonly (readonly string[])[] }): Promise<ConfigRestore> {
  const { dir, startCommit: start } = input;
  // Independent reads, side by side: each is a git process.
  const [changes, headListing, rootStart, rootHead, startFiles] = await Promise.all([
    workingChanges(dir, start),
    runGit(dir, ['ls-files', '-z']),
    blobAt(dir, start, 'package.json'),
    readRegularFile(dir, 'package.json'),
    filesAt(dir, start),
  ]);
  const headFiles = headListing.stdout.split('\0').filter((p) => p.length > 0);
  const babel = babelTests(
    [rootStart, rootHead].map((t) => (t === undefined ? undefined : parseManifest(t))),
    [...startFiles, ...headFiles],
  );

  const out: ConfigRestore = { restored: [], removed: [], packageKeys: [], keptLockfiles: [] };
  const remove = async (file: string) => {
    await fs.rm(path.join(dir, file), { force: true });
    out.removed.push(file);
  };
  const depsChangedDirs = new Set<string>();
  for (const change of changes.filter((c) => isPackageManifest(c.path))) {
    const file = change.path;
    const startText = change.status === 'A' ? undefined : await blobAt(dir, start, file);
    const before = startText === undefined ? {} : parseManifest(startText);
    if (change.status === 'D') {
      if (!before || manifestChanges(before, {}, input.commands).test.length > 0) out.restored.push(file);
      continue;
    }
    const headText = await readRegularFile(dir, file);
    const after = headText === undefined ? undefined : parseManifest(headText);
    if (!before || !after || headText === undefined) {
      if (change.status === 'A') await remove(file);
      else out.restored.push(file);
      continue;
    }
    if (manifestChanges(before, after, input.commands).deps.length > 0) depsChangedDirs.add(path.posix.dirname(file));
    const { manifest, keys } = restoreManifestTestKeys(before, after, input.commands);
    if (keys.length === 0) continue;
    await fs.writeFile(path.join(dir, file), formatManifest(manifest, headText));
    out.packageKeys.push({ file, keys });
  }
  for (const change of changes) {
    if (isPackageManifest(change.path) || !testConfigKind(change.path, { babelTests: babel })) continue;
    if (lockfileFollowsDependencies(change.path, depsChangedDirs)) out.keptLockfiles.push(change.path);
    else if (change.status === 'A') await remove(change.path);
    else out.restored.push(change.path);
  }
  for (let i = 0; i < out.restored.length; i += CHUNK) {
    await runGit(dir, ['checkout', start, '--', ...out.restored.slice(i, i + CHUNK)]);
  }
  return out;
}
