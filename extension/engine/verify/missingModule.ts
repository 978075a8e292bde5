/**
 * A test of a NEW module fails to load on the start commit because the module does not exist
 * yet: that is the change, not a broken environment. This tells the two apart: the module the
 * load error names must be one of the files the task added. A missing build output or
 * dependency is not, and stays "inconclusive".
 */
export function loadErrorIsAddedModule(loadError: string | undefined, addedFiles: readonly string[]): boolean {
  if (!loadError) return false;
  const missing = [...loadError.matchAll(/Cannot find module '([^']+)'|ERR_MODULE_NOT_FOUND[^']*'([^']+)'/g)].map((m) => m[1] ?? m[2]);
  if (missing.length === 0) return false;
  const stem = (p: string) => p.replace(/\\/g, '/').replace(/\.(c|m)?(j|t)sx?$/, '').replace(/\/index$/, '');
  const added = addedFiles.map(stem);
  return missing.every((request) => {
    if (!request.startsWith('.') && !request.startsWith('/')) return false; // a package: a missing dependency
    const tail = stem(request).replace(/^(\.\.?\/)+/, '');
    return added.some((file) => file === tail || file.endsWith(`/${tail}`));
  });
}
