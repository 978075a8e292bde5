/** Where specs usually are: SPEC.md or spec.md (any case), *.spec.md, and Markdown under a specs/ folder. */
export const SPEC_PATTERNS = ['**/[sS][pP][eE][cC].md', '**/*.spec.md', '**/*.SPEC.md', '**/specs/**/*.md'] as const;
/** The patterns as one glob for workspace.findFiles. */
export const SPEC_GLOB = `{${SPEC_PATTERNS.join(',')}}`;
/** Never offered: dependencies, git internals, build output. */
export const SPEC_EXCLUDE = '**/{node_modules,.git,dist,out}/**';
/** The picker lists at most this many. */
export const MAX_SPEC_FILES = 30;

/**
 * The spec files to offer, as workspace-relative paths: without the one already offered as the open
 * editor, shallowest first (a repository's own SPEC.md before a vendored one), then by name.
 */
export function specCandidates(relativePaths: readonly string[], exclude?: string): string[] {
  const depth = (p: string) => p.split('/').length;
  return [...new Set(relativePaths)]
    .filter((p) => p !== exclude)
    .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))
    .slice(0, MAX_SPEC_FILES);
}
