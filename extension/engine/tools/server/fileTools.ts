import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { ToolRegistry } from './stdioToolServer';
import { PathError, type PathGuard } from './pathGuard';
import { errorResult, guarded, textResult } from './results';
import { walkFiles } from './walk';
import { SparseWidening } from './sparseWidening';
import { isSecretBearingPath } from '../../policy/secretFiles';
import { LIST_FILES, READ_FILE, SEARCH, WRITE_FILE } from './loomToolDefinitions';

/** The last path component is opened without following a symlink: a link swapped in after the check fails with ELOOP. */
const { O_RDONLY, O_WRONLY, O_CREAT, O_NOFOLLOW } = fs.constants;

/**
 * Reads through a handle opened with O_NOFOLLOW. The parents were checked by the guard; what a
 * swapped parent could redirect to is, inside the agent's sandbox, only the sandbox's own view.
 */
async function readNoFollow(absolute: string): Promise<{ buffer: Buffer } | { directory: true }> {
  const handle = await fs.open(absolute, O_RDONLY | O_NOFOLLOW);
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) return { directory: true };
    return { buffer: await handle.readFile() };
  } finally {
    await handle.close();
  }
}

/** Writes through a handle opened with O_NOFOLLOW, refusing a file with other hard links (it would change them too). */
async function writeNoFollow(absolute: string, content: string): Promise<string | null> {
  const handle = await fs.open(absolute, O_WRONLY | O_CREAT | O_NOFOLLOW, 0o644);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return 'is not a regular file';
    if (stat.nlink > 1) return `has ${stat.nlink} hard links; writing it would change the other copies too`;
    await handle.truncate(0);
    await handle.writeFile(content, 'utf8');
    return null;
  } finally {
    await handle.close();
  }
}

export interface FileToolLimits {
  /** read_file returns at most this many characters. */
  maxReadChars: number;
  /** write_file accepts at most this many characters. */
  maxWriteChars: number;
  /** list_files returns at most this many paths. */
  maxListEntries: number;
  /** search returns at most this many matching lines. */
  maxSearchMatches: number;
  /** search skips files larger than this. */
  maxSearchFileBytes: number;
  /** search shows at most this many characters of a matching line. */
  maxLineChars: number;
}

export const DEFAULT_FILE_TOOL_LIMITS: FileToolLimits = {
  maxReadChars: 200_000,
  maxWriteChars: 5_000_000,
  maxListEntries: 1000,
  maxSearchMatches: 200,
  maxSearchFileBytes: 1_000_000,
  maxLineChars: 300,
};

function isBinary(buffer: Buffer): boolean {
  return buffer.subarray(0, 8000).includes(0);
}

function globMatcher(glob: string | undefined): (relative: string) => boolean {
  if (!glob) return () => true;
  // Patterns without a slash match the basename (`*.ts`), others the path from the root.
  // (picomatch's own `basename` option also applies to patterns with slashes, wrongly.)
  const isMatch = picomatch(glob, { dot: true });
  if (glob.includes('/')) return isMatch;
  return (relative) => isMatch(relative.slice(relative.lastIndexOf('/') + 1));
}

/** Reads a file; in a sparse lease, a file the lease left out is brought in first (never "not found" for a file of the commit). */
async function readWidening(absolute: string, relative: string, widening: SparseWidening): Promise<{ buffer: Buffer } | { directory: true }> {
  try {
    return await readNoFollow(absolute);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !(await widening.bringInFile(relative))) throw err;
    return readNoFollow(absolute);
  }
}

export function registerFileTools(
  server: ToolRegistry,
  guard: PathGuard,
  limits: FileToolLimits = DEFAULT_FILE_TOOL_LIMITS,
  widening: SparseWidening = new SparseWidening(guard.root),
): void {
  server.registerTool(
    'read_file',
    READ_FILE,
    guarded(
      (a) => `cannot read "${a.path}"`,
      async ({ path: requested }) => {
        const { absolute, relative } = await guard.resolve(requested);
        const read = await readWidening(absolute, relative, widening);
        if ('directory' in read) return errorResult(`"${requested}" is a directory; use list_files`);
        const buffer = read.buffer;
        if (isBinary(buffer)) return errorResult(`"${relative}" is a binary file (${buffer.length} bytes); not shown`);
        const text = buffer.toString('utf8');
        if (text.length <= limits.maxReadChars) return textResult(text);
        return textResult(
          `${text.slice(0, limits.maxReadChars)}\n[truncated: showing ${limits.maxReadChars} of ${text.length} characters]`,
        );
      },
    ),
  );

  server.registerTool(
    'write_file',
    WRITE_FILE,
    guarded(
      (a) => `cannot write "${a.path}"`,
      async ({ path: requested, content }) => {
        if (content.length > limits.maxWriteChars) {
          return errorResult(`content too large: ${content.length} characters (limit ${limits.maxWriteChars})`);
        }
        const { absolute, relative } = await guard.resolve(requested);
        if (relative === '') return errorResult('path names the workspace root, not a file');
        const existing = await fs.stat(absolute).catch(() => undefined);
        if (existing?.isDirectory()) return errorResult(`"${requested}" is a directory`);
        await fs.mkdir(path.dirname(absolute), { recursive: true });
        // The parent now exists: check again, so a symlink created meanwhile cannot redirect the write.
        await guard.resolve(requested);
        const refused = await writeNoFollow(absolute, content);
        if (refused) return errorResult(`"${relative}" ${refused}`);
        return textResult(`wrote ${Buffer.byteLength(content, 'utf8')} bytes to ${relative}`);
      },
    ),
  );

  server.registerTool(
    'list_files',
    LIST_FILES,
    guarded(
      (a) => `cannot list "${a.path ?? '.'}"`,
      async ({ path: requested, glob }) => {
        const { absolute, relative } = await guard.resolve(requested ?? '');
        const stat = await fs.stat(absolute).catch(async (err: unknown) => {
          // A folder a sparse lease did not check out is listed from the commit.
          if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (await widening.isHiddenDir(relative))) return undefined;
          throw err;
        });
        if (stat && !stat.isDirectory()) return errorResult(`"${requested}" is not a folder`);
        const matches = globMatcher(glob);
        const paths: string[] = [];
        if (stat) for await (const entry of walkFiles(guard.root, absolute)) paths.push(entry.relative);
        for (const hidden of await widening.hiddenUnder(relative)) if (!hidden.path.split('/').includes('node_modules')) paths.push(hidden.path);
        paths.sort();
        const found: string[] = [];
        let more = 0;
        for (const p of paths) {
          if (!matches(p)) continue;
          if (found.length < limits.maxListEntries) found.push(p);
          else more++;
        }
        if (found.length === 0) return textResult('(no files)');
        const note = more ? `\n[truncated: ${more} more files; narrow with path or glob]` : '';
        return textResult(found.join('\n') + note);
      },
    ),
  );

  server.registerTool(
    'search',
    SEARCH,
    guarded(
      (a) => `cannot search for "${a.pattern}"`,
      async ({ pattern, glob }) => {
        let regex: RegExp;
        try {
          regex = new RegExp(pattern);
        } catch (err) {
          return errorResult(`invalid regular expression: ${(err as Error).message}`);
        }
        const matches = globMatcher(glob);
        const lines: string[] = [];
        let truncated = false;
        /** Adds the matching lines of one file; false once the match limit is reached. */
        const searchBuffer = (relative: string, buffer: Buffer): boolean => {
          const fileLines = buffer.toString('utf8').split(/\r?\n/);
          for (let i = 0; i < fileLines.length; i++) {
            if (!regex.test(fileLines[i])) continue;
            if (lines.length >= limits.maxSearchMatches) return false;
            const line = fileLines[i].length > limits.maxLineChars ? `${fileLines[i].slice(0, limits.maxLineChars)}…` : fileLines[i];
            lines.push(`${relative}:${i + 1}: ${line}`);
          }
          return true;
        };
        outer: for await (const entry of walkFiles(guard.root, guard.root)) {
          if (!matches(entry.relative)) continue;
          // Secrets are read only with read_file, after approval: never swept up by a search.
          if (isSecretBearingPath(entry.relative)) continue;
          if (entry.isSymlink) {
            // Never read through a link that leaves the workspace or points into .git.
            try {
              await guard.resolve(entry.relative);
            } catch (err) {
              if (err instanceof PathError) continue;
              throw err;
            }
          }
          const stat = await fs.stat(entry.absolute).catch(() => undefined);
          if (!stat?.isFile() || stat.size > limits.maxSearchFileBytes) continue;
          const buffer = await fs.readFile(entry.absolute).catch(() => undefined);
          if (!buffer || isBinary(buffer)) continue;
          if (!searchBuffer(entry.relative, buffer)) {
            truncated = true;
            break outer;
          }
        }
        // Files a sparse lease left out are searched in the object store, without checking them out.
        const hidden = truncated ? [] : (await widening.hiddenUnder('')).filter((f) => matches(f.path) && !isSecretBearingPath(f.path) && !f.path.split('/').includes('node_modules'));
        for await (const file of widening.contents(hidden, limits.maxSearchFileBytes)) {
          if (isBinary(file.buffer)) continue;
          if (!searchBuffer(file.path, file.buffer)) {
            truncated = true;
            break;
          }
        }
        if (lines.length === 0) return textResult('(no matches)');
        const note = truncated ? `\n[truncated at ${limits.maxSearchMatches} matches; narrow the pattern or glob]` : '';
        return textResult(lines.join('\n') + note);
      },
    ),
  );
}
