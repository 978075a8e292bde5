/**
 * Whether a test title is a test file's path: node --test and the tap CLI report each file as a
 * test of its own, which is how a file that crashed or held no tests shows up.
 */
export function looksLikeFilePath(title: string): boolean {
  return /^(\/|[A-Za-z]:\\|\.{0,2}[\\/])?[^\s]*\.[cm]?[jt]sx?$/.test(title) && /[\\/]/.test(title);
}
