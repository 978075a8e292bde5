import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { runLiveness } from '../engine/run/runOwner';
import { foldEvents } from '../protocol/reduce';
import { formatJournalProblems, readJournal } from '../engine/journal/journalReader';
import { formatReport } from '../engine/run/report';
import { loomHome, runPaths } from '../engine/run/runPaths';
import { exitCodeOf } from './executeRun';
import { UsageError } from './usageError';

/** `loom status RUN`: folds the journal into the same report the run printed. */
export async function statusCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { 'loom-home': { type: 'string' } }, allowPositionals: true, strict: true });
  const runId = positionals[0];
  if (!runId) throw new UsageError('needs a run id (loom runs lists them)');
  const journalPath = journalOf(runId, values['loom-home']);
  if (!existsSync(journalPath)) throw new UsageError(`no journal for run ${runId} at ${journalPath} (loom runs lists the runs kept there; set --loom-home or LOOM_HOME to where the run was kept)`);
  const { events, problems } = readJournal(journalPath);
  const state = foldEvents(events);
  print(formatReport(state));
  print('');
  print(`Journal: ${journalPath}`);
  for (const line of formatJournalProblems(journalPath, problems)) print(line);
  if (state.endedAt === null) {
    const liveness = runLiveness(dirname(journalPath), false);
    print(
      liveness.state === 'live'
        ? `The run is still running (process ${liveness.pid}).`
        : `The run was interrupted: its process${liveness.state === 'interrupted' && liveness.pid ? ` (${liveness.pid})` : ''} ended before the run finished. Continue it with: loom resume ${state.runId ?? runId}`,
    );
  }
  return exitCodeOf(state);
}

/** A run id under LOOM_HOME, or a journal file or a run's folder given by its path. */
function journalOf(runIdOrPath: string, home: string | undefined): string {
  if (existsSync(runIdOrPath)) return statSync(runIdOrPath).isDirectory() ? join(resolve(runIdOrPath), 'journal.jsonl') : resolve(runIdOrPath);
  return runPaths(home ? resolve(home) : loomHome(), runIdOrPath).journal;
}
