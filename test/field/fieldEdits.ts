/**
 * How a simulated agent changes a file the way a model with Loom's tools can: `write_file` with
 * the whole content when that fits in one answer, else a `run_command` of `node -e` that applies
 * the change as line edits (a model's answer is capped at the request's max_tokens, 8192 by
 * default, and the simulator cuts longer answers like a real model). Large edits are split into
 * several answers, bottom of the file first, so the line numbers of the rest stay valid.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** Characters of tool-call arguments per answer: under 8192 tokens at the simulator's 4 characters a token. */
export const ANSWER_CHARS = 24_000;

/** One line edit: at line index `at` (0-based, in the file before any edit) remove `remove` lines and insert `insert`. */
interface LineEdit {
  at: number;
  remove: number;
  insert: string[];
}

/**
 * Applies [path, edits, expected sha1] to a file; exits 1 when the result is not the expected
 * content (last batch only), so a wrong patch shows in the journal instead of passing silently.
 */
const APPLY = [
  "const fs = require('node:fs');",
  'const [path, editsJson, sha] = process.argv.slice(1);',
  "const lines = fs.existsSync(path) ? fs.readFileSync(path, 'utf8').split('\\n') : [''];",
  'for (const e of JSON.parse(editsJson)) lines.splice(e.at, e.remove, ...e.insert);',
  "const text = lines.join('\\n');",
  "fs.mkdirSync(require('node:path').dirname(path), { recursive: true });",
  'fs.writeFileSync(path, text);',
  "if (sha && require('node:crypto').createHash('sha1').update(text).digest('hex') !== sha) { console.error('patched ' + path + ' differs from the intended content'); process.exit(1); }",
  "console.log('patched ' + path);",
].join('\n');

/** The line edits turning `from` into `to` (both split on \n), from `git diff --no-index -U0`, bottom first. */
function lineEdits(from: string, to: string): LineEdit[] {
  const dir = mkdtempSync(join(tmpdir(), 'field-edit-'));
  try {
    // One more newline on both sides: every element of split('\n') is then a whole line to git.
    writeFileSync(join(dir, 'a'), `${from}\n`);
    writeFileSync(join(dir, 'b'), `${to}\n`);
    let diff = '';
    try {
      execFileSync('git', ['diff', '--no-index', '--no-color', '--no-ext-diff', '-U0', 'a', 'b'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    } catch (err) {
      diff = (err as { stdout: string }).stdout; // exit 1: the files differ
    }
    const edits: LineEdit[] = [];
    let current: LineEdit | null = null;
    for (const line of diff.split('\n')) {
      const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(line);
      if (hunk) {
        const start = Number(hunk[1]);
        const remove = hunk[2] === undefined ? 1 : Number(hunk[2]);
        current = { at: remove === 0 ? start : start - 1, remove, insert: [] };
        edits.push(current);
      } else if (current && line.startsWith('+') && !line.startsWith('+++')) current.insert.push(line.slice(1));
    }
    return edits.reverse();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function size(call: ToolCall): number {
  return call.name.length + JSON.stringify(call.arguments).length;
}

/** The tool calls that make `path` contain `to`, given it now contains `from` (null: it does not exist). */
export function editCalls(path: string, from: string | null, to: string): ToolCall[] {
  const write: ToolCall = { name: 'write_file', arguments: { path, content: to } };
  if (size(write) <= ANSWER_CHARS) return [write];
  if (from === null) throw new Error(`${path}: a new file of ${to.length} characters does not fit in one answer`);
  const sha = createHash('sha1').update(to).digest('hex');
  const batches: LineEdit[][] = [[]];
  for (const edit of lineEdits(from, to)) {
    const batch = batches.at(-1)!;
    if (batch.length && JSON.stringify([...batch, edit]).length > ANSWER_CHARS - APPLY.length - 200) batches.push([edit]);
    else batch.push(edit);
  }
  if (batches.some((b) => JSON.stringify(b).length > ANSWER_CHARS - APPLY.length)) throw new Error(`${path}: one edit does not fit in one answer`);
  return batches.map((batch, i) => ({
    name: 'run_command',
    arguments: { command: ['node', '-e', APPLY, path, JSON.stringify(batch), i === batches.length - 1 ? sha : ''] },
  }));
}

/** Tool calls grouped into answers of at most ANSWER_CHARS each. */
export function answers(calls: readonly ToolCall[]): ToolCall[][] {
  const groups: ToolCall[][] = [];
  for (const call of calls) {
    const group = groups.at(-1);
    if (group && group.reduce((n, c) => n + size(c), 0) + size(call) <= ANSWER_CHARS) group.push(call);
    else groups.push([call]);
  }
  return groups;
}
