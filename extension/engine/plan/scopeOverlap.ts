import picomatch from 'picomatch';

/**
 * Whether two tasks' file scopes (picomatch globs, repo-relative) may touch the same file, so the
 * scheduler must sequence them instead of running them in parallel.
 *
 * Whether two globs can match a common path is not decidable in general for the full glob
 * language (extglobs, braces, classes), and a future file has no name yet, so this is an
 * approximation that errs toward "overlap" — sequencing two independent tasks costs time, while
 * running two overlapping tasks in parallel costs a conflict. Two scopes overlap when any of:
 *
 * 1. a file that exists in the repo (`repoFiles`, e.g. `git ls-files`) matches both;
 * 2. the same literal (glob-free) path is in both, or a literal of one is a directory prefix of a
 *    literal of the other (`src/util` and `src/util/a.ts`);
 * 3. a literal path of one matches a glob of the other (`src/new.ts` and `src/*.ts`), including
 *    files that do not exist yet;
 * 4. a glob of one matches the other glob's text read as a path (`src/**` matches `src/lib/*.ts`),
 *    which catches most nested scopes for files that do not exist yet.
 *
 * It misses two globs that only share files not yet in the repo and neither contains the other
 * textually (`**\/*.test.ts` and `test/**` in a repo with no test files yet). Scopes are
 * normalized first: a leading `./` is dropped and a trailing `/` means the whole directory.
 */
export function scopesOverlap(a: readonly string[], b: readonly string[], repoFiles: readonly string[]): boolean {
  const sa = a.map(compileScope);
  const sb = b.map(compileScope);

  for (const x of sa) {
    for (const y of sb) {
      if (x.literal && y.literal && (x.pattern === y.pattern || isPathPrefix(x.pattern, y.pattern) || isPathPrefix(y.pattern, x.pattern))) {
        return true;
      }
      if (x.literal && y.match(x.pattern)) return true;
      if (y.literal && x.match(y.pattern)) return true;
      if (!x.literal && !y.literal && (x.match(y.pattern) || y.match(x.pattern))) return true;
    }
  }

  const inA = matchingFiles(a, repoFiles);
  return inA.some((f) => sb.some((s) => s.match(f)));
}

/** The repo files a scope matches. */
export function matchingFiles(scope: readonly string[], repoFiles: readonly string[]): string[] {
  const compiled = scope.map(compileScope);
  return repoFiles.filter((f) => compiled.some((s) => s.match(f)));
}

interface CompiledScope {
  pattern: string;
  literal: boolean;
  match: (path: string) => boolean;
}

function compileScope(raw: string): CompiledScope {
  let pattern = raw.trim().replace(/^(?:\.\/)+/, '');
  if (pattern.endsWith('/')) pattern = `${pattern}**`;
  const literal = !picomatch.scan(pattern).isGlob;
  // A literal may name a directory: it then covers everything below it.
  const matcher = literal ? picomatch([pattern, `${pattern}/**`], { dot: true }) : picomatch(pattern, { dot: true });
  return { pattern, literal, match: (p) => matcher(p) };
}

function isPathPrefix(dir: string, path: string): boolean {
  return path.startsWith(`${dir}/`);
}
