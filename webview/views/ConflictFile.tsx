import { useMemo, useState } from 'react';
import type { EventOf } from '../../extension/protocol/events';
import { conflictHunks, type ConflictHunk, type HunkSide, type SideName } from '../../extension/protocol/views/conflictHunks';
import { formatLineRanges } from '../../extension/protocol/views/conflictText';
import { FileLink } from './FileLink';

type ConflictFileData = EventOf<'escalation/didOpen'>['files'][number];

/** Rows a column shows before "show all": a hunk that rewrites thousands of lines stays cheap to draw. */
export const MAX_ROWS = 200;

/**
 * One conflicted file as hunks with a few lines of context, opened at the first hunk both sides
 * change: base, ours and theirs side by side (and what the merge agent produced, when one tried),
 * lines both sides change marked as the overlap.
 */
export function ConflictFile({ file, oursLabel, theirsLabel }: { file: ConflictFileData; oursLabel: string; theirsLabel: string }) {
  const view = useMemo(() => conflictHunks(file), [file]);
  const [chosen, setIndex] = useState<number | null>(null);
  const head = (summary: string) => (
    <div className="conflict-file-head">
      <FileLink path={file.path} />
      <span className="chip">{file.kind}</span>
      <span className="muted conflict-summary">{summary}</span>
    </div>
  );
  if (view.kind === 'binary') {
    return (
      <div className="conflict-file" data-path={file.path} data-binary="">
        {head('not shown as text')}
        <div className="notice notice-warn conflict-binary">
          <i className="codicon codicon-file-binary" aria-hidden="true" />
          <div>A binary file: its sides cannot be shown as lines. Take ours or theirs, or open the merge editor.</div>
        </div>
      </div>
    );
  }
  const { hunks, conflicts } = view;
  const index = Math.min(chosen ?? view.firstHunk, Math.max(0, hunks.length - 1));
  const hunk = hunks[index] as ConflictHunk | undefined;
  const summary = `${hunks.length} ${hunks.length === 1 ? 'hunk' : 'hunks'}, ${conflicts} conflicting · ${lineCountText(view.lineCounts)}`;
  const columns: { side: SideName; title: string; subtitle: string }[] = [
    { side: 'base', title: 'Base', subtitle: 'merge base' },
    { side: 'ours', title: 'Ours', subtitle: oursLabel },
    { side: 'theirs', title: 'Theirs', subtitle: theirsLabel },
    ...(file.merged !== undefined ? [{ side: 'merged' as const, title: 'Merge agent', subtitle: 'what it produced' }] : []),
  ];
  return (
    <div className="conflict-file" data-path={file.path} data-hunks={hunks.length} data-first-hunk={view.firstHunk}>
      {head(summary)}
      {!hunk ? (
        <p className="muted conflict-same">{noHunkText(file)}</p>
      ) : (
        <>
          <div className="hunk-nav" role="group" aria-label={`Hunks of ${file.path}`}>
            <button type="button" className="hunk-step" aria-label="Previous hunk" title="Previous hunk" disabled={index === 0} onClick={() => setIndex(index - 1)}>
              <i className="codicon codicon-arrow-up" aria-hidden="true" />
            </button>
            <button type="button" className="hunk-step" aria-label="Next hunk" title="Next hunk" disabled={index >= hunks.length - 1} onClick={() => setIndex(index + 1)}>
              <i className="codicon codicon-arrow-down" aria-hidden="true" />
            </button>
            <span className="hunk-position">
              Hunk {index + 1} of {hunks.length}
            </span>
            <span className="muted hunk-range">{rangeText(hunk, view.reference)}</span>
            {hunk.conflict ? (
              <span className="chip hunk-kind conflict">
                <i className="codicon codicon-warning" aria-hidden="true" /> both sides change this
              </span>
            ) : (
              <span className="chip hunk-kind">one side changes this</span>
            )}
          </div>
          <div className="conflict-hunk" key={index} data-hunk={index} data-conflict={hunk.conflict ? 'true' : 'false'} style={{ gridTemplateColumns: `repeat(${columns.length}, minmax(0, 1fr))` }}>
            {columns.map((c) => (
              <Column key={c.side} side={c.side} title={c.title} subtitle={c.subtitle} data={hunk.sides[c.side] ?? null} absent={absentText(c.side, file)} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}

function Column({ side, title, subtitle, data, absent }: { side: SideName; title: string; subtitle: string; data: HunkSide | null; absent: string }) {
  const [all, setAll] = useState(false);
  const shown = data ? (all ? data.lines : data.lines.slice(0, MAX_ROWS)) : [];
  return (
    <div className={`side side-${side}`}>
      <div className="side-head">
        <span className="side-title">{title}</span>
        <span className="muted">{subtitle}</span>
      </div>
      {data === null ? (
        <div className="side-absent muted">{absent}</div>
      ) : data.lines.length === 0 ? (
        <div className="side-absent muted">(no lines here on this side)</div>
      ) : (
        <>
          <pre className="code-block numbered" aria-label={`${title}: ${subtitle}`}>
            {shown.map((line) => (
              <div key={line.n} className={`code-line mark-${line.mark}`} data-mark={line.mark}>
                <span className="ln">{line.n}</span>
                <span className="lc">{line.text || ' '}</span>
              </div>
            ))}
          </pre>
          {shown.length < data.lines.length && (
            <button type="button" className="show-all-lines" onClick={() => setAll(true)}>
              Show all {data.lines.length} lines ({data.lines.length - shown.length} more)
            </button>
          )}
        </>
      )}
    </div>
  );
}

function rangeText(hunk: ConflictHunk, reference: 'base' | 'ours'): string {
  const lines = hunk.end < hunk.start ? `after line ${hunk.start - 1}` : formatLineRanges([hunk]);
  return `${lines} of ${reference === 'base' ? 'the merge base' : 'ours (no merge base)'}`;
}

function lineCountText(counts: Record<SideName, number | null>): string {
  const parts = (['base', 'ours', 'theirs'] as const).map((side) => {
    const n = counts[side];
    return `${side} ${n === null ? 'none' : `${n} ${n === 1 ? 'line' : 'lines'}`}`;
  });
  return parts.join(', ');
}

function absentText(side: SideName, file: ConflictFileData): string {
  switch (side) {
    case 'base':
      return file.ours !== null && file.theirs !== null ? '(not in the merge base: both sides added it)' : '(not in the merge base)';
    case 'merged':
      return '(the merge agent deleted the file)';
    case 'ours':
    case 'theirs':
      return file.base === null ? '(no file on this side)' : '(not on this side: deleted or renamed)';
  }
}

function noHunkText(file: ConflictFileData): string {
  if (file.ours === null && file.theirs === null) {
    return file.base === null
      ? `Git reports a ${file.kind} conflict here, but neither side has a regular file at this path to show as text.`
      : `Neither side has this file any more (git reports ${file.kind}): it was deleted, moved or replaced on both.`;
  }
  if (file.ours === null || file.theirs === null) return `${file.ours === null ? 'Ours' : 'Theirs'} deleted the file; the other side kept it as the merge base has it.`;
  return `No line differs between the sides; git reports a ${file.kind} conflict (a rename, mode or type change).`;
}
