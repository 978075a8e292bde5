import type { RunEvent } from '../../protocol/events';
import type { JournalWriter } from '../journal/journalWriter';

/**
 * Events that report an external side effect done (a worktree, a commit, a merge, a person asked or
 * answered, an action allowed or refused, the run's end): the journal is flushed (written and
 * fsynced) before anyone hears of them.
 */
const REPORTS_EFFECT: ReadonlySet<RunEvent['type']> = new Set<RunEvent['type']>([
  // An intent journaled here (a lease, a merge) is on disk before the effect starts. One a worker emits
  // (a checkpoint, a tool call) is posted before its effect but not awaited: a crash in between can lose
  // it. Lease-confined effects are undone anyway (the lease goes back to its last journaled checkpoint);
  // a call to another MCP server in that window is not reported in doubt. So a worker's are written at
  // once but fsynced in the background: a synchronous fsync would only hold the coordinator's thread,
  // which relays every agent's messages.
  'effect/willApply',
  'lease/didCreate',
  'lease/didRemove',
  'checkpoint/didCommit',
  'tests/didFreeze',
  'merge/didMerge',
  'escalation/didOpen',
  'escalation/didResolve',
  'policy/didDecide',
  'finding/didReview',
  'run/didFinish',
]);

/**
 * Makes a just-appended event as durable as what it reports needs, before anyone hears of it: an
 * effect the run made, flushed; one an agent's worker made (`from: 'agent'`), written at once; any
 * other, with the next group commit.
 */
export function makeDurable(writer: JournalWriter, event: RunEvent, from: 'run' | 'agent'): void {
  if (!REPORTS_EFFECT.has(event.type)) return;
  if (from === 'agent') writer.writeNow();
  else writer.flush();
}
