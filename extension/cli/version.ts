import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './bundlePaths';

/** The installed package's version, read from its package.json at run time (never a copy baked into the bundle). */
export function loomVersion(root = packageRoot()): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`${join(root, 'package.json')} has no version`);
  return pkg.version;
}
