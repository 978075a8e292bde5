import type { EventOf } from '../../extension/protocol/events';
import { FileLink } from './FileLink';

type ConflictFileData = EventOf<'escalation/didOpen'>['files'][number];

/** One conflicted file: base, ours and theirs side by side, lines absent from base marked as added. */
export function ConflictFile({ file, oursLabel, theirsLabel }: { file: ConflictFileData; oursLabel: string; theirsLabel: string }) {
  const baseLines = new Set((file.base ?? '').split('\n'));
  return (
    <div className="conflict-file" data-path={file.path}>
      <div className="conflict-file-head">
        <FileLink path={file.path} />
        <span className="chip">{file.kind}</span>
      </div>
      <div className="three-way">
        <Side title="Base" subtitle="merge base" text={file.base} baseLines={null} />
        <Side title="Ours" subtitle={oursLabel} text={file.ours} baseLines={baseLines} />
        <Side title="Theirs" subtitle={theirsLabel} text={file.theirs} baseLines={baseLines} />
      </div>
    </div>
  );
}

function Side({ title, subtitle, text, baseLines }: { title: string; subtitle: string; text: string | null; baseLines: Set<string> | null }) {
  const lines = text === null ? null : trimEnd(text.split('\n'));
  return (
    <div className={`side side-${title.toLowerCase()}`}>
      <div className="side-head">
        <span className="side-title">{title}</span>
        <span className="muted">{subtitle}</span>
      </div>
      {lines === null ? (
        <div className="side-absent muted">(no file on this side)</div>
      ) : (
        <pre className="code-block numbered" aria-label={`${title}: ${subtitle}`}>
          {lines.map((line, i) => (
            <div key={i} className={`code-line${baseLines && !baseLines.has(line) ? ' added' : ''}`}>
              <span className="ln">{i + 1}</span>
              <span className="lc">{line || ' '}</span>
            </div>
          ))}
        </pre>
      )}
    </div>
  );
}

function trimEnd(lines: string[]): string[] {
  return lines.length > 1 && lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}
