import { JournalWriter } from '../../../../extension/engine/journal/journalWriter';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import { EscalationService, gateFromJournal } from '../../../../extension/engine/run/escalationService';
import { runPaths } from '../../../../extension/engine/run/runPaths';
import { foldEvents } from '../../../../extension/protocol/reduce';
import type { RunState } from '../../../../extension/protocol/runState';
import { BUNDLE } from './runHarness';

/** The escalation service of a finished run, answering through its journal as `loom resolve` does. */
export function journaledEscalations(loomHome: string, runId: string): { service: EscalationService; state: () => RunState; dispose: () => void } {
  const paths = runPaths(loomHome, runId);
  const events = readJournal(paths.journal).events;
  const writer = new JournalWriter(paths.journal);
  let state = foldEvents(events);
  const service = new EscalationService({
    paths,
    state: () => state,
    append: (body) => {
      const event = writer.append(body);
      state = foldEvents([event], Infinity, state);
      return event;
    },
    gate: gateFromJournal(events, paths, BUNDLE),
  });
  return { service, state: () => state, dispose: () => writer.dispose() };
}
