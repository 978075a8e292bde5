import { RunEventSchema, type EventBody, type RunEvent } from '../../../../extension/protocol/events';

/** A calculator file of n lines, with some lines replaced (1-based), for conflict escalations. */
export function calcFile(n: number, replace: Record<number, string> = {}): string {
  return `${Array.from({ length: n }, (_, i) => replace[i + 1] ?? `export const f${i + 1} = (a, b) => a + b; // ${i + 1}`).join('\n')}\n`;
}

const CALC_LINES = 1200;
const task = (id: string, title: string, dependsOn: string[] = []) => ({
  id,
  title,
  instructions: `${title}.`,
  requirementIds: ['R1'],
  fileScope: ['src/calc.js'],
  dependsOn,
  acceptance: [],
});

/**
 * A run with everything issue 9 adds: predictions (one cleared, one settled by a merge), a textual
 * and a semantic conflict, one merge by each tier (add-multiply auto, fix-sum merge agent, docs a
 * person), a conflict escalation with what the merge agent
 * tried and produced on a 1,200-line file, and a dependent that waits on it. `afterPredictions` is
 * the seq at which both predictions are live.
 */
export function conflictRun(): { events: RunEvent[]; afterPredictions: number } {
  const base = calcFile(CALC_LINES);
  const bodies: EventBody[] = [
    {
      type: 'run/didStart',
      runId: 'run-calc',
      repo: '/home/dev/src/calc',
      baseCommit: '1111111111111111111111111111111111111111',
      baseBranch: 'main',
      specPath: 'SPEC.md',
      specRevision: 'sha256:0',
      model: 'gpt-4.1-mini',
      concurrency: 3,
    },
    {
      type: 'plan/didAccept',
      plan: {
        tasks: [
          task('fix-sum', 'Fix sum'),
          task('add-multiply', 'Add multiply'),
          task('add-divide', 'Add divide'),
          task('docs', 'Document the API'),
          task('add-mean', 'Add mean', ['add-multiply', 'add-divide']),
        ],
      },
    },
    { type: 'task/didStart', taskId: 'fix-sum', attempt: 1 },
    { type: 'task/didStart', taskId: 'add-multiply', attempt: 1 },
    { type: 'task/didStart', taskId: 'add-divide', attempt: 1 },
    {
      type: 'conflict/didPredict',
      taskId: 'add-multiply',
      otherTaskId: 'add-divide',
      commit: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      files: [{ path: 'src/calc.js', kind: 'contents', hunks: [{ start: 3, end: 7 }] }],
    },
    {
      type: 'conflict/didPredict',
      taskId: 'add-divide',
      otherTaskId: null,
      commit: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      files: [{ path: 'src/index.js', kind: 'contents', hunks: [{ start: 2, end: 2 }] }],
    },
    { type: 'conflict/didClear', taskId: 'add-divide', otherTaskId: null },
    { type: 'task/didStart', taskId: 'docs', attempt: 1 },
    { type: 'task/didSucceed', taskId: 'fix-sum', headCommit: 'c1' },
    { type: 'task/didSucceed', taskId: 'add-multiply', headCommit: 'c2' },
    { type: 'task/didSucceed', taskId: 'add-divide', headCommit: 'c3' },
    { type: 'task/didSucceed', taskId: 'docs', headCommit: 'c4' },
    { type: 'merge/didMerge', taskId: 'add-multiply', branch: 'loom/run-calc/integration', commit: 'm1' },
    { type: 'merge/didMerge', taskId: 'fix-sum', branch: 'loom/run-calc/integration', commit: 'm2', tier: 'mergeAgent' },
    { type: 'conflict/didDetect', taskIds: ['add-multiply', 'add-divide'], files: [{ path: 'src/calc.js', kind: 'contents' }] },
    { type: 'merge/didMerge', taskId: 'docs', branch: 'loom/run-calc/integration', commit: 'm3', tier: 'person' },
    {
      type: 'conflict/didDetect',
      taskIds: ['fix-sum', 'docs'],
      files: [],
      cause: 'semantic',
      check: 'node --test test/sum.test.js',
      mergeCommit: 'm3m3m3m3m3m3m3m3m3m3m3m3',
    },
    {
      type: 'escalation/didOpen',
      escalationId: 'esc-1',
      kind: 'conflict',
      taskIds: ['add-multiply', 'add-divide'],
      question: 'add-divide conflicts with add-multiply in src/calc.js: which version should be kept?',
      options: ['ours', 'theirs', 'mergeAgent', 'manual'],
      tried: 'A merge agent (merger-esc-1-1) tried to merge add-divide after add-multiply; its result was refused: test/divide.test.js fails on it',
      files: [
        {
          path: 'src/calc.js',
          kind: 'contents',
          base,
          ours: calcFile(CALC_LINES, { 40: 'export const tweak = 1; // ours only', 900: 'export const multiply = (a, b) => a * b;' }),
          theirs: calcFile(CALC_LINES, { 900: 'export const divide = (a, b) => a / b;' }),
          merged: calcFile(CALC_LINES, { 40: 'export const tweak = 1; // ours only', 900: 'export const multiply = (a, b) => a * b; export const divide = (a, b) => a * b;' }),
        },
        { path: 'assets/logo.png', kind: 'binary', base: null, ours: null, theirs: null },
        // Ours deleted it, theirs changed line 25.
        { path: 'src/old.js', kind: 'modify/delete', base: calcFile(50), ours: null, theirs: calcFile(50, { 25: 'export const kept = true;' }) },
        // Both added it, with nothing in common: one hunk of 600 lines a side.
        {
          path: 'src/table.js',
          kind: 'add/add',
          base: null,
          ours: `${Array.from({ length: 600 }, (_, i) => `ours row ${i + 1}`).join('\n')}\n`,
          theirs: `${Array.from({ length: 600 }, (_, i) => `theirs row ${i + 1}`).join('\n')}\n`,
        },
      ],
    },
    { type: 'task/didWait', taskId: 'add-mean', escalationId: 'esc-1', reason: 'its dependencies add-multiply and add-divide conflict' },
    { type: 'run/didFinish', status: 'escalated', integrationBranch: 'loom/run-calc/integration', integrationCommit: 'm3' },
  ];
  const t0 = 1_764_100_000_000;
  const events = bodies.map((body, seq) => RunEventSchema.parse({ ...body, seq, ts: t0 + seq * 1000 }) as RunEvent);
  return { events, afterPredictions: 6 };
}
