import { useDashboard } from '../state/useDashboard';
import { EmptyState } from './EmptyState';
import { EscalationCard } from './EscalationCard';

/** Questions for a person: open ones first, then the answered ones for the record. */
export function EscalationsView() {
  const escalations = useDashboard((s) => s.run.escalations);
  if (escalations.length === 0) {
    return (
      <EmptyState icon="bell" title="Nothing needs you">
        Conflicts, approvals and budget questions appear here.
      </EmptyState>
    );
  }
  const open = escalations.filter((e) => e.resolution === null);
  const done = escalations.filter((e) => e.resolution !== null);
  return (
    <div className="view escalations-view">
      {open.map((e) => (
        <EscalationCard key={e.escalationId} escalation={e} />
      ))}
      {done.length > 0 && <h3 className="section-title muted">Answered</h3>}
      {done.map((e) => (
        <EscalationCard key={e.escalationId} escalation={e} />
      ))}
    </div>
  );
}
