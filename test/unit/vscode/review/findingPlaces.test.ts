import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import type { Finding } from '../../../../extension/protocol/taskResult';
import { reduce } from '../../../../extension/protocol/reduce';
import { initialRunState, type RunState } from '../../../../extension/protocol/runState';
import { findingDiagnostics, findingKey, placeKey, placeOfFinding, type PlacedFindings } from '../../../../extension/vscode/review/findingDiagnostics';
import { gitFindingSources } from '../../../../extension/vscode/review/findingSources';
import type { TaskLease } from '../../../../extension/vscode/review/taskLeases';
import { commitFiles, makeRepo, writeFiles, type TempRepo } from '../../../fixtures/gitRepo';

const text = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('vscode/review/findingDiagnostics (findings on the user checkout)', () => {
  let repo: TempRepo;
  let head: string;
  const branch = 'loom/r1/t1';
  const worktree = '/home/dev/.loom/runs/r1/worktrees/t1';

  before(async () => {
    repo = await makeRepo({ 'src/a.js': text('a', 'b', 'c', 'd', 'e', 'f'), 'src/old.js': text('x', 'y'), 'src/gone.js': text('1', '2', '3') });
    const git = simpleGit(repo.dir);
    await git.raw(['checkout', '-q', '-b', branch]);
    await git.raw(['mv', 'src/old.js', 'src/new.js']);
    head = await commitFiles(repo.dir, { 'src/a.js': text('a', 'b', 'c', 'd', 'e', 'f', 'g'), 'src/gone.js': null }, 'task t1');
    await git.raw(['checkout', '-q', 'main']);
    // The user's copy moved on: two lines above, and line c rewritten.
    await writeFiles(repo.dir, { 'src/a.js': text('// header', '', 'a', 'b', 'C', 'd', 'e', 'f') });
  });
  after(() => repo.cleanup());

  function runWith(findings: Finding[]): RunState {
    const task = { id: 't1', title: 'Task one', instructions: 'do it', requirementIds: ['R1'], fileScope: ['src/**'], dependsOn: [], acceptance: [] };
    const planned = reduce(initialRunState(), { seq: 1, ts: 1, type: 'plan/didAccept', plan: { tasks: [task] } });
    return { ...planned, runId: 'r1', repo: repo.dir, tasks: planned.tasks.map((t) => ({ ...t, status: 'succeeded', branch, headCommit: head, findings })) };
  }
  const leases = new Map<string, TaskLease>([['t1', { taskId: 't1', branch, path: worktree, startCommit: 'base', present: false }]]);
  const finding = (file: string | undefined, line: number | undefined, message = 'm'): Finding => ({
    severity: 'warning',
    rule: 'lint',
    message,
    ...(file ? { file } : {}),
    ...(line ? { line } : {}),
  });
  const only = (placed: Map<string, PlacedFindings>) => {
    assert.equal(placed.size, 1);
    return [...placed.values()][0];
  };

  it('carries a line through lines added above it in the user checkout', async () => {
    const placed = only(await findingDiagnostics(runWith([finding('src/a.js', 4, 'd is wrong')]), leases, gitFindingSources));
    assert.deepEqual(placed.place, { kind: 'checkout', path: join(repo.dir, 'src/a.js') });
    assert.equal(placed.diagnostics[0].line, 5, "line 4 (d) on the branch is line 6 in the user's copy (0-based 5)");
    assert.equal(placed.diagnostics[0].message, 'd is wrong');
  });

  it('a line the user changed goes to the nearest unchanged line, and the message says so', async () => {
    const [d] = only(await findingDiagnostics(runWith([finding('src/a.js', 3)]), leases, gitFindingSources)).diagnostics;
    assert.equal(d.line, 3, 'b, the line above c, is line 4 in the checkout');
    assert.match(d.message, /line 3 on loom\/r1\/t1 differs in your checkout; shown at the nearest unchanged line, 4/);
  });

  it('a file the task renamed, or the user does not have, is shown on the task branch, never as a path to create', async () => {
    const placed = only(await findingDiagnostics(runWith([finding('src/new.js', 2)]), leases, gitFindingSources));
    assert.deepEqual(placed.place, { kind: 'branch', ref: { repo: repo.dir, rev: head, path: 'src/new.js' } });
    assert.equal(placed.diagnostics[0].line, 1);
    assert.match(placed.diagnostics[0].message, /src\/new\.js is not in your checkout: shown as on loom\/r1\/t1/);
    const ghost = only(await findingDiagnostics(runWith([finding('src/ghost.js', 1)]), leases, gitFindingSources));
    assert.equal(ghost.place.kind, 'branch');
    assert.match(ghost.diagnostics[0].message, /exists neither in your checkout nor on loom\/r1\/t1/);
  });

  it('a file the task deleted stays on the user checkout at the verifier line', async () => {
    const placed = only(await findingDiagnostics(runWith([finding('src/gone.js', 2)]), leases, gitFindingSources));
    assert.deepEqual(placed.place, { kind: 'checkout', path: join(repo.dir, 'src/gone.js') });
    assert.equal(placed.diagnostics[0].line, 1);
    assert.match(placed.diagnostics[0].message, /src\/gone\.js is not on loom\/r1\/t1/);
  });

  it('paths into the worktree become repository paths; no line means the first; dismissed and file-less findings are left out', async () => {
    const state = runWith([finding(`${worktree}/src/a.js`, 6), finding('src/a.js', undefined), finding(undefined, 3), finding('src/a.js', 1), finding('/etc/passwd', 1)]);
    const placed = await findingDiagnostics(state, leases, gitFindingSources, new Set([findingKey('t1', 3)]));
    const [entry] = [...placed.values()];
    assert.equal(placed.size, 1, 'a path outside the repository and the worktree is not shown');
    assert.equal(placeKey(entry.place), `file:${join(repo.dir, 'src/a.js')}`);
    assert.deepEqual(
      entry.diagnostics.map((d) => [d.index, d.line]),
      [
        [0, 7],
        [1, 0],
      ],
    );
  });

  it('shows nothing without a repository', async () => {
    assert.equal((await findingDiagnostics({ ...runWith([finding('src/a.js', 1)]), repo: null }, leases, gitFindingSources)).size, 0);
  });

  it("the dashboard's link to a finding opens where the Problems panel shows it", async () => {
    const state = runWith([finding('src/a.js', 4), finding('src/new.js', 2)]);
    assert.deepEqual(await placeOfFinding(state, leases, gitFindingSources, 'src/a.js', 4), { place: { kind: 'checkout', path: join(repo.dir, 'src/a.js') }, line: 5 });
    assert.deepEqual(await placeOfFinding(state, leases, gitFindingSources, 'src/new.js', 2), { place: { kind: 'branch', ref: { repo: repo.dir, rev: head, path: 'src/new.js' } }, line: 1 });
    assert.equal(await placeOfFinding(state, leases, gitFindingSources, 'src/other.js', 1), null, 'not a finding: opened as a plain file, if it exists');
  });
});
