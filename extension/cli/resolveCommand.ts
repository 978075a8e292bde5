import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { foldEvents } from '../protocol/reduce';
import { readJournal } from '../engine/journal/journalReader';
import { JournalWriter } from '../engine/journal/journalWriter';
import { loomHome, runPaths } from '../engine/run/runPaths';
import { ESCALATION_CHOICES, resolveEscalation, type EscalationChoice } from '../engine/run/resolveEscalation';
import { formatReport } from '../engine/run/report';
import { exitCodeOf } from './executeRun';
import { UsageError } from './usageError';

/** `loom resolve RUN ESC --choice ours|theirs|manual`: answers a conflict escalation of a finished run. */
export async function resolveCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { choice: { type: 'string' }, 'loom-home': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [runId, escalationId] = positionals;
  if (!runId || !escalationId) throw new UsageError('loom resolve needs a run id and an escalation id (see loom status RUN)');
  const choice = values.choice as EscalationChoice | undefined;
  if (!choice || !ESCALATION_CHOICES.includes(choice)) throw new UsageError(`--choice must be one of ${ESCALATION_CHOICES.join(', ')}`);
  const paths = runPaths(values['loom-home'] ? resolve(values['loom-home']) : loomHome(), runId);
  if (!existsSync(paths.journal)) throw new UsageError(`no journal for run ${runId} at ${paths.journal}`);
  const { events } = readJournal(paths.journal);
  const before = foldEvents(events);
  if (!before.repo) throw new UsageError(`the journal of ${runId} does not say which repository it ran on`);
  const writer = new JournalWriter(paths.journal, { nextSeq: before.lastSeq + 1 });
  try {
    const state = await resolveEscalation(
      { repo: before.repo, scratchRoot: paths.scratch, events, append: (body) => writer.append(body) },
      escalationId,
      choice,
      'cli',
    );
    print(formatReport(state));
    return exitCodeOf(state);
  } finally {
    writer.dispose();
  }
}
