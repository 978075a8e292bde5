import { createHash } from 'node:crypto';
import type { Requirement, Spec } from '../../protocol/spec';

/**
 * Parses a Loom spec (see docs/spec-format.md):
 *
 *   # Title
 *   overview prose…
 *   ## R1: Requirement title
 *   prose…
 *   Acceptance:            (or `### Acceptance`)
 *   - criterion
 *
 * A hand parser, line by line: the format is small, and every error carries its 1-based line.
 * Lines inside fenced code blocks (``` or ~~~) are prose and never headings or markers.
 */

/** A spec error at a 1-based line; formatted as `path:line: message`. */
export interface SpecError {
  path: string;
  line: number;
  message: string;
}

export type ParseSpecResult = { ok: true; spec: Spec } | { ok: false; errors: SpecError[] };

export function formatSpecError(error: SpecError, path: string = error.path): string {
  return `${path}:${error.line}: ${error.message}`;
}

/** One error a line, in line order. `path` overrides each error's own path. */
export function formatSpecErrors(errors: readonly SpecError[], path?: string): string {
  return [...errors]
    .sort((a, b) => a.line - b.line)
    .map((e) => formatSpecError(e, path ?? e.path))
    .join('\n');
}

/** sha256 hex of the exact source text: an edit is a new revision. */
export function specRevision(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// A closing run of `#` counts only after whitespace (`# Learn C#` keeps its `#`).
const TITLE_RE = /^#\s+(.*?)(?:\s+#+)?\s*$/;
const REQUIREMENT_RE = /^##\s+R(\d+):\s*(.*?)(?:\s+#+)?\s*$/;
const HEADING_RE = /^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const ACCEPTANCE_HEADING_RE = /^###\s+acceptance(?:\s+criteria)?\s*:?(?:\s+#+)?\s*$/i;
/** A requirement-like heading with a number: `R1 Title`, `r2: x`, `Requirement 3 - y`. */
const NUMBERED_RE = /^(?:r|req(?:uirement)?\.?)\s*#?\s*(\d+)\s*[:.)\-–—]?\s*(.*)$/i;
const NUMBERED_ITEM_RE = /^\s{0,3}\d+[.)](?:\s|$)/;
const BULLET_RE = /^\s{0,3}[-*+](?:\s+(.*))?$/;
const FENCE_RE = /^\s{0,3}(`{3,}|~{3,})/;

interface Draft {
  id: string;
  title: string;
  line: number;
  prose: string[];
  acceptance: string[];
  /** Line of the acceptance marker, if any. */
  acceptanceLine?: number;
  /** Whether the last line read belonged to the acceptance list (bullets, continuations, blanks). */
  inAcceptance: boolean;
}

export function parseSpec(text: string, sourcePath: string): ParseSpecResult {
  const errors: SpecError[] = [];
  const err = (line: number, message: string): void => {
    errors.push({ path: sourcePath, line, message });
  };

  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = source.split(/\r\n|\r|\n/);

  // First pass: the valid ids, so a malformed heading can suggest the next free one.
  const usedNumbers = new Set<number>();
  forEachOutsideFences(lines, (line) => {
    const m = REQUIREMENT_RE.exec(line);
    if (m) usedNumbers.add(Number(m[1]));
    const h = HEADING_RE.exec(line);
    const n = h && looksLikeRequirement(h[2]) ? NUMBERED_RE.exec(h[2]) : null;
    if (n) usedNumbers.add(Number(n[1]));
  });
  let nextFree = 1;
  const suggestId = (): string => {
    while (usedNumbers.has(nextFree)) nextFree++;
    usedNumbers.add(nextFree);
    return `R${nextFree}`;
  };

  let title: string | undefined;
  let titleLine = 0;
  const overview: string[] = [];
  const drafts: Draft[] = [];
  const firstLineById = new Map<string, number>();
  let current: Draft | undefined;
  let fence: string | undefined;
  let sawContent = false;

  const addProse = (line: string): void => {
    if (current) current.prose.push(line);
    else overview.push(line);
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const lineNo = i + 1;

    if (fence !== undefined) {
      if (raw.trimStart().startsWith(fence)) fence = undefined;
      addProse(raw);
      continue;
    }
    const fenceMatch = FENCE_RE.exec(raw);
    if (fenceMatch) {
      fence = fenceMatch[1];
      if (!sawContent) {
        sawContent = true;
        err(lineNo, 'missing title: the spec must start with a `# Title` line');
      }
      if (current) current.inAcceptance = false;
      addProse(raw);
      continue;
    }

    const trimmed = raw.trim();
    if (trimmed === '') {
      if (current?.inAcceptance) continue;
      addProse(raw);
      continue;
    }

    // The title: the first non-blank line.
    if (!sawContent) {
      sawContent = true;
      const t = /^#\s/.test(raw) ? TITLE_RE.exec(raw) : null;
      if (t && !looksLikeRequirement(t[1])) {
        title = t[1];
        titleLine = lineNo;
        if (title === '') err(lineNo, 'the title is empty: write `# <title of the spec>`');
        continue;
      }
      err(lineNo, 'missing title: the spec must start with a `# Title` line');
    }

    const req = REQUIREMENT_RE.exec(raw);
    if (req) {
      const id = `R${req[1]}`;
      const first = firstLineById.get(id);
      if (first !== undefined) {
        err(lineNo, `duplicate requirement id ${id} (lines ${first} and ${lineNo}): ids must be unique; renumber this one to ${suggestId()}`);
      } else {
        firstLineById.set(id, lineNo);
      }
      if (req[2] === '') err(lineNo, `requirement ${id} has no title: write \`## ${id}: <title>\``);
      current = { id, title: req[2], line: lineNo, prose: [], acceptance: [], inAcceptance: false };
      drafts.push(current);
      continue;
    }

    const heading = HEADING_RE.exec(raw);
    if (heading) {
      const level = heading[1].length;
      const content = heading[2];
      if (ACCEPTANCE_HEADING_RE.test(trimmed)) {
        startAcceptance(lineNo);
        continue;
      }
      if (looksLikeRequirement(content)) {
        // Report it, then read on as if it were the suggested heading, so its acceptance list
        // does not cascade into more errors.
        const fix = malformedHeading(level, content, suggestId);
        err(lineNo, fix.message);
        current = { id: fix.id, title: fix.title, line: lineNo, prose: [], acceptance: [], inAcceptance: false };
        drafts.push(current);
        continue;
      }
      if (level === 1) {
        err(lineNo, `a spec has one title (line ${titleLine || 1}); use \`## R<n>: Title\` for requirements or \`###\` for sections inside one`);
        continue;
      }
      if (level === 2 && current) {
        err(lineNo, `\`## ${content}\` is not a requirement heading: requirements are \`## R<n>: Title\`; put other sections before the first requirement, or use \`###\` inside one`);
        continue;
      }
      if (current) current.inAcceptance = false;
      addProse(raw);
      continue;
    }

    const marker = acceptanceMarker(trimmed);
    if (marker === 'marker') {
      startAcceptance(lineNo);
      continue;
    }
    if (marker === 'inline') {
      err(lineNo, 'put acceptance criteria on `- ` bullets on the lines after `Acceptance:`, not on the same line');
      continue;
    }

    if (current?.inAcceptance) {
      const bullet = BULLET_RE.exec(raw);
      if (bullet) {
        const item = (bullet[1] ?? '').trim();
        if (item === '') err(lineNo, `empty acceptance criterion in ${current.id}: write what must be true after \`- \``);
        current.acceptance.push(item);
        continue;
      }
      if (NUMBERED_ITEM_RE.test(raw)) {
        err(lineNo, `acceptance criteria are \`- \` bullets, not a numbered list: write \`- ${trimmed.replace(/^\d+[.)]\s*/, '')}\``);
        current.acceptance.push(trimmed);
        continue;
      }
      if (/^\s/.test(raw) && current.acceptance.length > 0) {
        // An indented continuation of the previous bullet.
        const last = current.acceptance.length - 1;
        current.acceptance[last] = `${current.acceptance[last]} ${trimmed}`.trim();
        continue;
      }
      // The list ended; what follows is prose again.
      current.inAcceptance = false;
    }
    addProse(raw);
  }

  function startAcceptance(lineNo: number): void {
    if (!current) {
      err(lineNo, 'acceptance criteria outside a requirement: put them under a `## R<n>: Title` heading');
      return;
    }
    if (current.acceptanceLine === undefined) current.acceptanceLine = lineNo;
    current.inAcceptance = true;
  }

  if (!sawContent) err(1, 'missing title: the spec must start with a `# Title` line');

  if (drafts.length === 0) {
    err(titleLine || 1, 'the spec has no requirements: add headings like `## R1: <title>`, each with an `Acceptance:` list of `- ` bullets');
  }

  for (const d of drafts) {
    if (d.acceptance.length > 0) continue;
    if (d.acceptanceLine !== undefined) {
      err(d.acceptanceLine, `${d.id} has an acceptance marker but no criteria: list them as \`- \` bullets on the following lines`);
    } else {
      err(d.line, `${d.id} has no acceptance criteria: add a line \`Acceptance:\` followed by \`- \` bullets`);
    }
  }

  if (errors.length > 0) {
    errors.sort((a, b) => a.line - b.line);
    return { ok: false, errors };
  }

  const requirements: Requirement[] = drafts.map((d) => ({
    id: d.id,
    title: d.title,
    text: trimBlock(d.prose),
    acceptance: d.acceptance,
    line: d.line,
  }));
  return {
    ok: true,
    spec: { title: title ?? '', overview: trimBlock(overview), requirements, revision: specRevision(text) },
  };
}

function forEachOutsideFences(lines: readonly string[], fn: (line: string) => void): void {
  let fence: string | undefined;
  for (const line of lines) {
    if (fence !== undefined) {
      if (line.trimStart().startsWith(fence)) fence = undefined;
      continue;
    }
    const m = FENCE_RE.exec(line);
    if (m) {
      fence = m[1];
      continue;
    }
    fn(line);
  }
}

/** Heading text that tries to be a requirement id: `R1…`, `R: …`, `R 1…`, `Requirement 1…`, `Req. 2…`. */
function looksLikeRequirement(content: string): boolean {
  return /^(?:r\d+|r\s*:|r\s+\d+|req(?:uirement)?\.?\s*#?\s*\d+)/i.test(content);
}

/** Explains what is wrong with a heading that tries to be a requirement, and the fix. */
function malformedHeading(level: number, content: string, suggestId: () => string): { id: string; title: string; message: string } {
  const numbered = NUMBERED_RE.exec(content);
  const missing = /^r\s*:\s*(.*)$/i.exec(content);
  let id: string;
  let rest: string;
  if (numbered) {
    id = `R${numbered[1]}`;
    rest = numbered[2];
  } else if (missing) {
    id = suggestId();
    rest = missing[1];
  } else {
    id = suggestId();
    rest = content;
  }
  const fix = `## ${id}: ${rest || '<title>'}`;
  const heading = `${'#'.repeat(level)} ${content}`;
  let message: string;
  if (level !== 2 && numbered) message = `requirement headings are level 2 (\`##\`): write \`${fix}\``;
  else if (missing) message = `malformed requirement heading \`${heading}\`: the id needs a number; write \`${fix}\``;
  else message = `malformed requirement heading \`${heading}\`: write \`${fix}\` (ids are \`R<number>\`, then a colon and the title)`;
  return { id, title: rest, message };
}

/** `Acceptance:` / `**Acceptance:**` / `Acceptance criteria:` → marker; `Acceptance: x` → inline. */
function acceptanceMarker(trimmed: string): 'marker' | 'inline' | undefined {
  const plain = trimmed.replace(/[*_]/g, '').trim();
  if (/^acceptance(?:\s+criteria)?\s*:$/i.test(plain)) return 'marker';
  if (/^acceptance(?:\s+criteria)?\s*:\s*\S/i.test(plain)) return 'inline';
  return undefined;
}

/** Joins lines, dropping leading and trailing blank lines and collapsing runs of blanks. */
function trimBlock(lines: readonly string[]): string {
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
