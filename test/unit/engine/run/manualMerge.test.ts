import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBody, RunEvent } from '../../../../extension/protocol/events';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { EscalationService } from '../../../../extension/engine/run/escalationService';
import { EscalationError } from '../../../../extension/engine/run/resolveEscalation';
import { runPaths } from '../../../../extension/engine/run/runPaths';
import { commitOnBranch, git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';
import { BUNDLE, requireBuild } from './runHarness';

// Both tasks' acceptance test loads the merged entry point: a merge that does not load fails it.
const INDEX_TEST = `const test = require('node:test');\nconst assert = require('node:assert');\ntest('exports', () => assert.ok(require('../index.js')));\n`;

describe('engine/run/manualMerge through the escalation service (a person resolves a conflict by hand)', function () {
  this.timeout(120_000);
  before(requireBuild);
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let events: RunEvent[];
  const append = (body: EventBody): RunEvent => {
    const event = { ...body, seq: events.length, ts: events.length } as RunEvent;
    events.push(event);
    return event;
  };
  const task = (id: string) => ({ id, title: id, instructions: id, requirementIds: ['R1'], fileScope: ['index.js'], dependsOn: [], acceptance: [{ kind: 'passToPass', command: ['node', '--test', 'test/index.test.js'] }] });
  const service = () =>
    new EscalationService({
      paths: runPaths(home.dir, 'r1'),
      state: () => foldEvents(events),
      append,
      gate: { runDir: runPaths(home.dir, 'r1').runDir, options: { repo: repo.dir, bundle: BUNDLE, commandAllowlist: ['node'], commandTimeoutMs: 60_000 } },
    });

  beforeEach(async () => {
    repo = await makeRepo({ 'index.js': 'module.exports = {\n  sum,\n};\n', 'test/index.test.js': INDEX_TEST });
    home = await makeTempDir('loom-manual-');
    const base = (await git(repo.dir, 'rev-parse', 'HEAD')).trim();
    const a = await commitOnBranch(repo.dir, 'loom/r1/a', { 'index.js': 'module.exports = {\n  sum,\n  multiply,\n};\n' }, 'a', base);
    const b = await commitOnBranch(repo.dir, 'loom/r1/b', { 'index.js': 'module.exports = {\n  sum,\n  divide,\n};\n', 'divide.js': 'd\n' }, 'b', base);
    await git(repo.dir, 'branch', 'loom/r1/integration', a);
    events = [];
    for (const body of [
      { type: 'run/didStart', runId: 'r1', repo: repo.dir, baseCommit: base, baseBranch: 'main', specPath: 's', specRevision: 'x', model: 'm', concurrency: 2 },
      { type: 'plan/didAccept', plan: { tasks: [task('a'), task('b')] } },
      { type: 'lease/didCreate', taskId: 'b', purpose: 'implement', branch: 'loom/r1/b', path: '/gone', startCommit: base },
      { type: 'task/didSucceed', taskId: 'a', headCommit: a },
      { type: 'task/didSucceed', taskId: 'b', headCommit: b },
      { type: 'merge/didMerge', taskId: 'a', branch: 'loom/r1/integration', commit: a },
      { type: 'escalation/didOpen', escalationId: 'esc-1', kind: 'conflict', taskIds: ['a', 'b'], question: '?', options: ['ours'], files: [{ path: 'index.js', kind: 'contents', base: null, ours: null, theirs: null }] },
      { type: 'run/didFinish', status: 'escalated', integrationBranch: 'loom/r1/integration', integrationCommit: a },
    ] as EventBody[])
      append(body);
  });
  afterEach(async () => {
    await repo.cleanup();
    await home.cleanup();
  });

  it('checks the conflicted merge out in a lease of its own, refuses markers, then lands a two-parent merge', async () => {
    const escalations = service();
    const statusBefore = await git(repo.dir, 'status', '--porcelain');
    const answer = await escalations.answer('esc-1', 'manual', 'user');
    assert.equal(answer.kind, 'manualMergeStarted');
    const merge = answer.kind === 'manualMergeStarted' ? answer.merge : null!;
    assert.deepEqual(merge.files, ['index.js']);
    assert.match(readFileSync(join(merge.worktree, 'index.js'), 'utf8'), /<<<<<<< /);
    assert.ok(merge.base && merge.ours && merge.theirs);

    await assert.rejects(escalations.completeManual('esc-1', 'user'), (err: unknown) => err instanceof EscalationError && /markers are still in index\.js/.test((err as Error).message));

    // What VS Code's merge editor saves when nobody picked a side: the base. Refused.
    writeFileSync(join(merge.worktree, 'index.js'), 'module.exports = {\n  sum,\n};\n');
    await assert.rejects(escalations.completeManual('esc-1', 'user'), /index\.js is still the merge base/);

    writeFileSync(join(merge.worktree, 'index.js'), 'const sum = 1;\nmodule.exports = {\n  sum,\n  multiply: 2,\n  divide: 3,\n};\n');
    // Another process (`loom resolve RUN esc-1 --complete`) finds the checked-out merge from the journal.
    const state = await service().completeManual('esc-1', 'user');
    assert.equal(state.status, 'succeeded');
    assert.equal(state.escalations[0].resolution, 'manual');
    assert.equal(state.tasks.find((t) => t.task.id === 'b')?.status, 'merged');
    assert.equal(state.tasks.find((t) => t.task.id === 'b')?.mergedBy, 'person');
    assert.ok(events.some((e) => e.type === 'verify/didCheck' && e.check === 'merge: node --test test/index.test.js' && e.passed));
    assert.match(await git(repo.dir, 'show', 'loom/r1/integration:index.js'), /multiply: 2,\n {2}divide/);
    assert.equal(await git(repo.dir, 'show', 'loom/r1/integration:divide.js'), 'd');
    const parents = (await git(repo.dir, 'rev-list', '--parents', '-n', '1', 'loom/r1/integration')).split(' ');
    assert.equal(parents.length, 3);
    assert.equal(existsSync(merge.worktree), false);
    assert.equal(await git(repo.dir, 'status', '--porcelain'), statusBefore);
    assert.equal((await git(repo.dir, 'rev-parse', '--abbrev-ref', 'HEAD')).trim(), 'main');
  });

  it('refuses a manual merge that leaves broken code, naming the failing test, and keeps the checkout to fix it', async () => {
    const escalations = service();
    const integrationBefore = await git(repo.dir, 'rev-parse', 'loom/r1/integration');
    const answer = await escalations.answer('esc-1', 'manual', 'user');
    const merge = answer.kind === 'manualMergeStarted' ? answer.merge : null!;
    // Both sides kept by pasting them together: \`sum\` is declared twice, so index.js does not load.
    writeFileSync(join(merge.worktree, 'index.js'), 'const sum = 1;\nconst sum = 2;\nmodule.exports = { sum };\n');
    await assert.rejects(
      escalations.completeManual('esc-1', 'user'),
      (err: unknown) => err instanceof EscalationError && /a's check `node --test test\/index\.test\.js` fails on the merged files/.test((err as Error).message),
    );
    assert.equal(await git(repo.dir, 'rev-parse', 'loom/r1/integration'), integrationBefore, 'nothing landed');
    assert.equal(foldEvents(events).escalations[0].resolution, null, 'the question stays open');
    assert.ok(existsSync(merge.worktree), 'the checkout stays for the fix');
    assert.ok(events.some((e) => e.type === 'verify/didCheck' && e.check === 'merge: node --test test/index.test.js' && !e.passed));
  });

  it('ours and theirs say which task is kept and what is lost', async () => {
    const state = (await service().answer('esc-1', 'ours', 'user')) as { kind: 'resolved'; state: ReturnType<typeof foldEvents> };
    assert.equal(state.state.tasks.find((t) => t.task.id === 'b')?.mergedBy, 'person');
    const warning = events.find((e) => e.type === 'agent/didWarn' && e.kind === 'merge');
    assert.ok(warning && warning.type === 'agent/didWarn');
    assert.match(warning.message, /kept a's version of index\.js; b's changes to that file are lost \(its other files are merged\)/);
    assert.equal(await git(repo.dir, 'show', 'loom/r1/integration:divide.js'), 'd');
  });
});
