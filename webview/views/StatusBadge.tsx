import type { TaskStatus } from '../../extension/protocol/runState';
import type { RequirementStatus } from '../../extension/protocol/views/requirementRows';

export type BadgeStatus = TaskStatus | RequirementStatus | 'finished' | 'stopped' | 'idle' | 'planning' | 'escalated' | 'open' | 'resolved' | 'sent';

const LOOK: Record<BadgeStatus, { icon: string; label: string; tone: string }> = {
  pending: { icon: 'circle-large-outline', label: 'Pending', tone: 'muted' },
  running: { icon: 'sync codicon-modifier-spin', label: 'Running', tone: 'info' },
  verifying: { icon: 'beaker', label: 'Verifying', tone: 'accent' },
  succeeded: { icon: 'pass', label: 'Verified', tone: 'ok' },
  merged: { icon: 'git-merge', label: 'Merged', tone: 'ok' },
  failed: { icon: 'error', label: 'Failed', tone: 'error' },
  blocked: { icon: 'circle-slash', label: 'Blocked', tone: 'muted' },
  conflicted: { icon: 'git-compare', label: 'Conflicted', tone: 'warn' },
  waiting: { icon: 'watch', label: 'Waiting', tone: 'warn' },
  unplanned: { icon: 'question', label: 'No task', tone: 'muted' },
  inProgress: { icon: 'sync', label: 'In progress', tone: 'info' },
  verified: { icon: 'pass', label: 'Verified', tone: 'ok' },
  atRisk: { icon: 'warning', label: 'At risk', tone: 'warn' },
  finished: { icon: 'pass', label: 'Finished', tone: 'ok' },
  stopped: { icon: 'debug-stop', label: 'Stopped', tone: 'muted' },
  idle: { icon: 'circle-large-outline', label: 'Idle', tone: 'muted' },
  planning: { icon: 'sync codicon-modifier-spin', label: 'Planning', tone: 'info' },
  escalated: { icon: 'bell', label: 'Needs you', tone: 'warn' },
  open: { icon: 'bell-dot', label: 'Open', tone: 'warn' },
  resolved: { icon: 'pass', label: 'Resolved', tone: 'ok' },
  sent: { icon: 'loading codicon-modifier-spin', label: 'Sent', tone: 'info' },
};

/** A small coloured pill: icon and label for a status. Colours come from the theme (see dashboard.css). */
export function StatusBadge({ status, label, compact }: { status: BadgeStatus; label?: string; compact?: boolean }) {
  const look = LOOK[status];
  const text = label ?? look.label;
  return (
    <span className={`status-badge tone-${look.tone}${compact ? ' compact' : ''}`} title={text} data-status={status}>
      <i className={`codicon codicon-${look.icon}`} aria-hidden="true" />
      {!compact && <span>{text}</span>}
    </span>
  );
}

/** The theme tone of a status, for things coloured like its badge (graph nodes, chips). */
export function toneOf(status: BadgeStatus): string {
  return LOOK[status].tone;
}
