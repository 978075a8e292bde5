import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import type { RunState } from '../../extension/protocol/runState';
import { choicesForEscalation, webviewMessages, type EscalationChoice } from '../../extension/protocol/webviewMessages';
import { CHOICE_LABEL as LABEL } from '../../extension/protocol/views/choiceLabels';
import { formatClock } from '../format';
import { useHost } from '../host/hostContext';
import { useDashboard } from '../state/useDashboard';
import { ConflictFile } from './ConflictFile';
import { StatusBadge } from './StatusBadge';

type Escalation = RunState['escalations'][number];

const PRIMARY: ReadonlySet<EscalationChoice> = new Set(['mergeAgent', 'approve', 'retry', 'raiseBudget', 'extend', 'resume']);

const KIND: Record<Escalation['kind'], { icon: string; title: string }> = {
  conflict: { icon: 'git-compare', title: 'Merge conflict' },
  approval: { icon: 'shield', title: 'Approval' },
  budget: { icon: 'credit-card', title: 'Budget' },
  repeatedFailure: { icon: 'error', title: 'Repeated failure' },
  circuitBreaker: { icon: 'debug-pause', title: 'Run paused (circuit breaker)' },
};

/** One question for a person, with its evidence and the answers it accepts (`escalation/resolve`). */
export function EscalationCard({ escalation: e }: { escalation: Escalation }) {
  const host = useHost();
  const pending = useDashboard((s) => s.ui.pendingResolutions.find((p) => p.escalationId === e.escalationId));
  const markPending = useDashboard((s) => s.markResolutionPending);
  // An answer belongs to the run as it is now, not to a past moment the timeline shows.
  const past = useDashboard((s) => s.timelineSeq !== null);
  const choices = choicesForEscalation(e.kind, e.options);
  const [oursTask, theirsTask] = e.taskIds.length >= 2 ? e.taskIds : [undefined, e.taskIds[0]];
  const resolve = (choice: EscalationChoice) => {
    host.post(webviewMessages.resolveEscalation(e.escalationId, choice));
    markPending(e.escalationId, choice);
  };
  const state = e.resolution !== null ? 'resolved' : pending ? 'sent' : 'open';
  return (
    <article className={`escalation-card ${state}`} data-escalation={e.escalationId} data-kind={e.kind} aria-label={`${KIND[e.kind].title} ${e.escalationId}`}>
      <header className="escalation-head">
        <i className={`codicon codicon-${KIND[e.kind].icon}`} aria-hidden="true" />
        <h2>{KIND[e.kind].title}</h2>
        <span className="muted">
          {e.escalationId} · {e.taskIds.join(' ↔ ')} · {formatClock(e.ts)} UTC
        </span>
        <StatusBadge
          status={state}
          label={state === 'resolved' ? `Resolved: ${labelOf(e.resolution ?? '')}` : state === 'sent' ? `Sent: ${pending ? LABEL[pending.choice].toLowerCase() : ''}` : 'Needs you'}
        />
      </header>
      <p className="escalation-question">{withCode(e.question)}</p>
      {e.kind === 'approval' && e.resolution === null && e.expiresAt !== undefined && (
        <p className="muted">The agent waits; without an answer this counts as denied at {formatClock(e.expiresAt)} UTC.</p>
      )}
      {e.tried && (
        <div className="notice notice-info escalation-tried">
          <i className="codicon codicon-hubot" aria-hidden="true" />
          <div>
            <strong>Tried first:</strong> {e.tried}
          </div>
        </div>
      )}
      {e.kind === 'conflict' && e.files.length > 0 && (
        <div className="conflict-files">
          {e.files.map((f) => (
            <ConflictFile key={f.path} file={f} oursLabel={oursTask ? `${oursTask} (integration)` : 'integration branch'} theirsLabel={theirsTask ?? ''} />
          ))}
        </div>
      )}
      {e.resolution === null && (
        <div className="escalation-actions">
          {choices.map((choice) => (
            <VscodeButton key={choice} data-choice={choice} secondary={!PRIMARY.has(choice)} disabled={pending !== undefined || past} onClick={() => resolve(choice)}>
              {LABEL[choice]}
            </VscodeButton>
          ))}
          {pending && <span className="muted">Waiting for Loom to record the answer…</span>}
          {past && !pending && <span className="muted past-note">This is the run at an earlier event: go Live to answer.</span>}
        </div>
      )}
    </article>
  );
}

function labelOf(choice: string): string {
  return choice in LABEL ? LABEL[choice as EscalationChoice] : choice;
}

/** `backticked` spans of a question as code. */
function withCode(text: string) {
  return text.split(/(`[^`]+`)/).map((part, i) => (part.length > 2 && part.startsWith('`') && part.endsWith('`') ? <code key={i}>{part.slice(1, -1)}</code> : part));
}
