import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import type { Finding } from '../../extension/protocol/taskResult';
import { webviewMessages } from '../../extension/protocol/webviewMessages';
import { useHost } from '../host/hostContext';
import { useDashboard } from '../state/useDashboard';
import { FileLink } from './FileLink';

const SEVERITY_ICON: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'info' };

/** One verifier finding with its evidence, and the person's accept / dismiss decision (`finding/review`). */
export function FindingItem({ taskId, index, finding }: { taskId: string; index: number; finding: Finding }) {
  const host = useHost();
  const review = useDashboard((s) => s.ui.findingReviews.find((r) => r.taskId === taskId && r.index === index));
  const record = useDashboard((s) => s.recordFindingReview);
  // Findings at an earlier event may since have been replaced: decide only on the live ones.
  const past = useDashboard((s) => s.timelineSeq !== null);
  const decide = (decision: 'accepted' | 'dismissed') => {
    host.post(webviewMessages.reviewFinding(taskId, index, decision));
    record(taskId, index, decision);
  };
  return (
    <li className={`finding severity-${finding.severity}${review ? ` reviewed-${review.decision}` : ''}`} data-rule={finding.rule}>
      <div className="finding-head">
        <i className={`codicon codicon-${SEVERITY_ICON[finding.severity]}`} aria-hidden="true" />
        <code className="finding-rule">{finding.rule}</code>
        <span className="finding-message">{finding.message}</span>
      </div>
      {finding.file && (
        <div className="finding-file">
          <FileLink path={finding.file} line={finding.line} />
        </div>
      )}
      {finding.evidence && <pre className="code-block finding-evidence">{finding.evidence}</pre>}
      <div className="finding-actions">
        {review ? (
          <span className="muted">
            <i className={`codicon codicon-${review.decision === 'accepted' ? 'check' : 'close'}`} aria-hidden="true" /> {review.decision}
          </span>
        ) : null}
        <VscodeButton secondary onClick={() => decide('accepted')} disabled={past || review?.decision === 'accepted'}>
          Accept
        </VscodeButton>
        <VscodeButton secondary onClick={() => decide('dismissed')} disabled={past || review?.decision === 'dismissed'}>
          Dismiss
        </VscodeButton>
      </div>
    </li>
  );
}
