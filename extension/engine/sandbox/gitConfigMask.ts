import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { runGit } from '../workspace/git';

/** The only repository settings git needs to read the shared .git; everything else stays outside. */
const KEPT = /^(core\.repositoryformatversion|core\.bare|core\.ignorecase|core\.precomposeunicode|core\.filemode|core\.symlinks|extensions\..+)$/i;

/**
 * Writes a copy of the repository's `.git/config` with only the settings git needs to read it, to be
 * mounted over the real one inside sandboxes: remote URLs with tokens, `http.*.extraheader`
 * credentials (as CI checkouts leave them), `credential.*`, aliases and filters never reach an agent.
 */
export async function writeMaskedGitConfig(gitCommonDir: string, outFile: string): Promise<string> {
  const listed = await runGit(gitCommonDir, ['config', '--file', path.join(gitCommonDir, 'config'), '--list', '-z'], { okExitCodes: [0, 1] });
  const sections = new Map<string, string[]>();
  for (const entry of listed.stdout.split('\0')) {
    const newline = entry.indexOf('\n');
    if (newline < 0) continue;
    const key = entry.slice(0, newline);
    if (!KEPT.test(key)) continue;
    const dot = key.lastIndexOf('.');
    const section = key.slice(0, dot);
    const lines = sections.get(section) ?? [];
    lines.push(`\t${key.slice(dot + 1)} = ${entry.slice(newline + 1)}`);
    sections.set(section, lines);
  }
  const text = [...sections].map(([section, lines]) => `[${section}]\n${lines.join('\n')}\n`).join('');
  await fs.mkdir(path.dirname(outFile), { recursive: true });
  await fs.writeFile(outFile, text, { mode: 0o444 });
  return outFile;
}
