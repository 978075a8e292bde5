import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { formatJournalProblems, readJournal } from '../engine/journal/journalReader';
import { loomHome, runPaths } from '../engine/run/runPaths';
import { checkFlags, executeWithFlags, RUN_FLAGS } from './runCommand';
import { UsageError } from './usageError';

/**
 * `loom resume RUN`: continues an interrupted (or stopped) run from its journal, with the
 * repository and spec it recorded, on the model the flags name. Finished tasks keep their results.
 */
export async function resumeCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: RUN_FLAGS, allowPositionals: true, strict: true });
  checkFlags(values);
  const runId = positionals[0];
  if (!runId) throw new UsageError('needs a run id (loom runs lists them)');
  const home = values['loom-home'] ? resolve(values['loom-home']) : loomHome();
  const journalPath = runPaths(home, runId).journal;
  if (!existsSync(journalPath)) throw new UsageError(`no journal for run ${runId} at ${journalPath} (set --loom-home or LOOM_HOME to where the run was kept)`);
  const { events, problems } = readJournal(journalPath);
  // Damaged lines are skipped (and said, with their line numbers); the run continues from every whole record.
  for (const line of formatJournalProblems(journalPath, problems)) print(line);
  const start = events.find((e) => e.type === 'run/didStart');
  if (!start || start.type !== 'run/didStart') throw new UsageError(`run ${runId} never started (its journal has no run/didStart): start a new run instead`);
  return executeWithFlags({ ...values, 'loom-home': home }, { repo: start.repo, specPath: start.specPath, runId, resume: true }, print);
}
