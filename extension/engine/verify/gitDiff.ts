import { gitOut, runGit } from '../workspace/git';
import { rememberedFact } from '../workspace/gitFacts';

export { resolveCommit } from '../workspace/git';

export interface ChangedFile {
  /** A added, M modified, D deleted, T type changed (renames are split into D + A). */
  status: 'A' | 'M' | 'D' | 'T';
  path: string;
}

/** Files that differ between two commits, renames split into a deletion and an addition (a verifier asks several times). */
export async function diffNameStatus(repoDir: string, from: string, to: string): Promise<ChangedFile[]> {
  const out = await rememberedFact(`${repoDir}\0diff\0${from}\0${to}`, [from, to], () =>
    gitOut(repoDir, ['diff', '--name-status', '--no-renames', '--no-ext-diff', '-z', from, to, '--']),
  );
  const parts = out.split('\0').filter((p) => p.length > 0);
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i][0] as ChangedFile['status'];
    files.push({ status, path: parts[i + 1] });
  }
  return files;
}

/** `git diff --name-only --no-renames from to`. */
export async function changedFiles(repoDir: string, from: string, to: string): Promise<string[]> {
  return (await diffNameStatus(repoDir, from, to)).map((f) => f.path);
}

/** The unified diff between two commits, optionally limited to some paths. */
export async function diffText(repoDir: string, from: string, to: string, paths: string[] = [], context = 3): Promise<string> {
  return (await runGit(repoDir, ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', `-U${context}`, from, to, '--', ...paths])).stdout;
}

/**
 * The 1-based line of the first change in a unified diff (context lines skipped), on the new side;
 * for a pure deletion, the line the removed text stood before.
 */
export function firstHunkLine(diff: string): number | undefined {
  const lines = diff.split('\n');
  const at = lines.findIndex((l) => l.startsWith('@@ '));
  if (at < 0) return undefined;
  const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(lines[at]);
  if (!m) return undefined;
  let line = Number(m[2]);
  for (const l of lines.slice(at + 1)) {
    if (l.startsWith(' ')) line++;
    else break;
  }
  return Math.max(line, 1);
}
