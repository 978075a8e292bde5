import { Parser, type Result } from 'tap-parser';

/** One TAP test point, with its subtest's items when it had one. */
export interface TapPoint {
  kind: 'point';
  name: string;
  ok: boolean;
  skip: boolean;
  todo: boolean;
  diag: Record<string, unknown> | undefined;
  /** The indented subtest that this point closes; undefined for a plain assertion. */
  children?: TapItem[];
  /** The subtest's plan was `1..0` (no tests found, or all skipped). */
  emptyPlan?: boolean;
  /** The subtest never got its closing line: the process died inside it. */
  unfinished?: boolean;
}
export interface TapComment {
  kind: 'comment';
  /** Without the leading "# ". */
  text: string;
}
/** A line that is not TAP (console output, a crash printed into stdout). */
export interface TapExtra {
  kind: 'extra';
  text: string;
}
export type TapItem = TapPoint | TapComment | TapExtra;

export interface TapDocument {
  version?: number;
  items: TapItem[];
  bailout?: string;
}

type Event = [string, ...unknown[]];

function isResult(v: unknown): v is Result {
  return typeof v === 'object' && v !== null && 'ok' in v && 'name' in v;
}

function subtestName(items: TapItem[]): string {
  for (const item of items) if (item.kind === 'comment' && item.text.startsWith('Subtest: ')) return item.text.slice('Subtest: '.length);
  return '(unnamed subtest)';
}

function readLevel(events: Event[], doc: TapDocument): { items: TapItem[]; emptyPlan: boolean } {
  const items: TapItem[] = [];
  let pending: { items: TapItem[]; emptyPlan: boolean } | undefined;
  let emptyPlan = false;
  const flushUnfinished = (): void => {
    if (!pending) return;
    items.push({ kind: 'point', name: subtestName(pending.items), ok: false, skip: false, todo: false, diag: undefined, children: pending.items, unfinished: true });
    pending = undefined;
  };
  for (const [type, value] of events) {
    if (type === 'version' && typeof value === 'number') doc.version = value;
    else if (type === 'comment' && typeof value === 'string') items.push({ kind: 'comment', text: value.replace(/^\s*#\s?/, '').replace(/\n$/, '') });
    else if (type === 'extra' && typeof value === 'string') items.push({ kind: 'extra', text: value.replace(/\n$/, '') });
    else if (type === 'bailout') doc.bailout = String(value ?? '');
    else if (type === 'plan' && typeof value === 'object' && value !== null) emptyPlan = (value as { end?: number }).end === 0;
    else if (type === 'child' && Array.isArray(value)) {
      flushUnfinished();
      pending = readLevel(value as Event[], doc);
    } else if (type === 'assert' && isResult(value)) {
      const diag = value.diag && typeof value.diag === 'object' ? (value.diag as Record<string, unknown>) : undefined;
      // In TAP 14 the point right after an indented subtest is that subtest's result.
      items.push({
        kind: 'point',
        name: value.name,
        ok: value.ok,
        skip: value.skip !== false,
        todo: value.todo !== false,
        diag,
        ...(pending ? { children: pending.items, emptyPlan: pending.emptyPlan } : {}),
      });
      pending = undefined;
    }
  }
  flushUnfinished();
  return { items, emptyPlan };
}

/** Parses TAP into a tree of points; undefined when the text holds no TAP at all. */
export function readTap(text: string): TapDocument | undefined {
  if (!/^\s*(TAP version \d+|1\.\.\d+|(not )?ok\b)/m.test(text)) return undefined;
  const doc: TapDocument = { items: [] };
  doc.items = readLevel(Parser.parse(text) as Event[], doc).items;
  return doc;
}

/** The points of one level (comments and extra lines left out). */
export function pointsOf(items: readonly TapItem[]): TapPoint[] {
  return items.filter((i): i is TapPoint => i.kind === 'point');
}

/** The comments and extra lines of one level as text, e.g. to find a crash printed there. */
export function textOf(items: readonly TapItem[]): string {
  return items
    .filter((i): i is TapComment | TapExtra => i.kind !== 'point')
    .map((i) => i.text)
    .join('\n');
}
