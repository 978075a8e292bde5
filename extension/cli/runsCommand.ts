import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runSummary } from '../engine/run/runCatalog';
import { loomHome, runPaths } from '../engine/run/runPaths';
import { EXIT } from './usageError';

export const RUNS_OPTIONS = { 'loom-home': { type: 'string' } } as const;

/** One row of `loom runs`; `note` says what is odd about it (a damaged journal, how to continue). */
export interface RunRow {
  runId: string;
  status: string;
  repo: string;
  /** When the run started, or when its folder last changed if the journal does not say. */
  at: number;
  note: string;
}

/** `loom runs`: every run under LOOM_HOME with its status, repository and age, newest first. */
export async function runsCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: RUNS_OPTIONS, strict: true });
  const home = values['loom-home'] ? resolve(values['loom-home']) : loomHome();
  const now = Date.now();
  const rows = listRunRows(home, now);
  if (rows.length === 0) {
    print(`No runs under ${join(home, 'runs')}.`);
    print('Start one with: loom demo (no model needed), or loom run --spec SPEC.md --repo DIR (loom run --help).');
    return EXIT.ok;
  }
  const table = [['RUN', 'STATUS', 'AGE', 'REPOSITORY', ''], ...rows.map((r) => [r.runId, r.status, formatAge(now - r.at), r.repo, r.note])];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) print(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
  print('');
  print(`${rows.length} run${rows.length === 1 ? '' : 's'} under ${join(home, 'runs')}; loom status RUN prints a run's report.`);
  return EXIT.ok;
}

/** Each run folder under `home`, its journal folded once; a folder whose journal says nothing is still listed, with why. */
export function listRunRows(home: string, now: number): RunRow[] {
  const dir = join(home, 'runs');
  if (!existsSync(dir)) return [];
  const rows: RunRow[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const summary = runSummary(home, entry.name, now);
    if (summary) {
      const notes = [
        ...(summary.status === 'interrupted' ? [`continue it: loom resume ${summary.runId}`] : []),
        ...(summary.openEscalations.length ? [`${summary.openEscalations.length} escalation(s) wait: loom status ${summary.runId}`] : []),
        ...(summary.journalProblems ? [`${summary.journalProblems} damaged journal line(s) skipped`] : []),
      ];
      rows.push({ runId: summary.runId, status: summary.status, repo: summary.repo ?? '?', at: summary.startedAt ?? folderTime(join(dir, entry.name)), note: notes.join('; ') });
    } else {
      rows.push({ runId: entry.name, status: 'unknown', repo: '?', at: folderTime(join(dir, entry.name)), note: unreadableJournal(runPaths(home, entry.name).journal) });
    }
  }
  return rows.sort((a, b) => b.at - a.at || b.runId.localeCompare(a.runId));
}

/** Why a run folder's journal gave no run: said from its size alone, without reading it again. */
function unreadableJournal(journal: string): string {
  try {
    const { size } = statSync(journal);
    return size === 0 ? 'empty journal: the run never started' : `damaged journal: no readable run start in ${size} bytes (${journal})`;
  } catch {
    return 'no journal in this folder';
  }
}

function folderTime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** "just now", "42 s ago", "3 min ago", "5 h ago", "2 days ago". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  const days = Math.floor(h / 24);
  return `${days} days ago`;
}
