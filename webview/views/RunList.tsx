import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { RunListStatus, RunSummary } from '../../extension/protocol/runSummary';
import { webviewMessages } from '../../extension/protocol/webviewMessages';
import { countOf } from '../../extension/protocol/views/plural';
import { formatClock } from '../format';
import { useHost } from '../host/hostContext';
import type { RunListStore } from '../state/runListStore';

/** The run list's store, provided once by main.tsx. */
export const RunListContext = createContext<RunListStore | null>(null);

const LOOK: Record<RunListStatus, { icon: string; label: string; tone: string }> = {
  planning: { icon: 'sync codicon-modifier-spin', label: 'Planning', tone: 'info' },
  running: { icon: 'sync codicon-modifier-spin', label: 'Running', tone: 'info' },
  interrupted: { icon: 'debug-pause', label: 'Interrupted', tone: 'warn' },
  succeeded: { icon: 'pass', label: 'Succeeded', tone: 'ok' },
  failed: { icon: 'error', label: 'Failed', tone: 'error' },
  escalated: { icon: 'bell', label: 'Needs you', tone: 'warn' },
  stopped: { icon: 'debug-stop', label: 'Stopped', tone: 'muted' },
};

/** How many runs the host listed (0 before it answers). */
export function useRunCount(): number {
  const store = useContext(RunListContext);
  if (!store) throw new Error('useRunCount outside RunListContext');
  return useStore(store, (s) => s.runs.length);
}

/**
 * Every run in LOOM_HOME (they outlive a window reload): Open shows one folded from its journal,
 * Resume continues an interrupted or stopped one. `open` starts the list unfolded.
 */
export function RunList({ open }: { open?: boolean }) {
  const store = useContext(RunListContext);
  if (!store) throw new Error('RunList outside RunListContext');
  const runs = useStore(store, (s) => s.runs);
  const shownRunId = useStore(store, (s) => s.shownRunId);
  if (runs.length === 0) return null;
  return (
    <details className="run-list" open={open}>
      <summary>
        <i className="codicon codicon-history" aria-hidden="true" /> Runs ({runs.length})
      </summary>
      <ul>
        {runs.map((run) => (
          <RunRow key={run.runId} run={run} shown={run.runId === shownRunId} />
        ))}
      </ul>
    </details>
  );
}

function RunRow({ run, shown }: { run: RunSummary; shown: boolean }) {
  const host = useHost();
  const look = LOOK[run.status];
  const repoName = run.repo ? run.repo.split(/[\\/]/).filter(Boolean).pop() : 'repository unknown';
  const resumable = run.status === 'interrupted' || run.status === 'stopped';
  return (
    <li className={`run-row${shown ? ' shown' : ''}`} data-run-id={run.runId} data-status={run.status}>
      <span className={`status-badge tone-${look.tone}`} title={look.label}>
        <i className={`codicon codicon-${look.icon}`} aria-hidden="true" />
        <span>{look.label}</span>
      </span>
      <span className="run-row-id">{run.runId}</span>
      <span className="muted" title={run.repo ?? ''}>
        {repoName}
      </span>
      <span className="muted">{run.startedAt !== null ? formatClock(run.startedAt) : ''}</span>
      <span className="muted">
        {run.tasksDone}/{countOf(run.tasks, 'task')}
      </span>
      {run.openEscalations.length > 0 && (
        <span className="run-row-open" title={run.openEscalations.map((e) => `${e.escalationId}: ${e.question}`).join('\n')}>
          <i className="codicon codicon-bell-dot" aria-hidden="true" /> {run.openEscalations.length} open
        </span>
      )}
      <span className="run-row-actions">
        {shown ? (
          <span className="muted">shown</span>
        ) : (
          <VscodeButton secondary data-action="open" onClick={() => host.post(webviewMessages.openRun(run.runId))}>
            Open
          </VscodeButton>
        )}
        {resumable && (
          <VscodeButton data-action="resume" onClick={() => host.post(webviewMessages.resumeRun(run.runId))}>
            Resume
          </VscodeButton>
        )}
      </span>
    </li>
  );
}
