import type { ManualMerge } from '../../../../extension/engine/run/manualMerge';
import assert from 'node:assert/strict';
import type { EventBody, RunEvent } from '../../../../extension/protocol/events';
import { reduce } from '../../../../extension/protocol/reduce';
import { initialRunState, type RunState } from '../../../../extension/protocol/runState';
import { Emitter } from '../../../../extension/base/emitter';
import type { RunOptions } from '../../../../extension/engine/run/runOptions';
import { RunController, type CoordinatorLike } from '../../../../extension/vscode/run/runController';
import { progressMessage } from '../../../../extension/vscode/run/progressMessage';

/** A coordinator whose run ends when the test says so. */
class FakeCoordinator implements CoordinatorLike {
  readonly runId: string;
  readonly journalPath = '/tmp/journal.jsonl';
  state: RunState = initialRunState();
  private readonly emitter = new Emitter<RunEvent>();
  readonly onDidEvent = this.emitter.event;
  private seq = 0;
  private finish!: () => void;
  private readonly finished = new Promise<void>((resolve) => (this.finish = resolve));
  stops = 0;
  disposed = false;

  constructor(n: number) {
    this.runId = `run-${n}`;
  }

  emit(body: EventBody): RunEvent {
    const event = { seq: this.seq++, ts: 1000 + this.seq, ...body } as RunEvent;
    this.state = reduce(this.state, event);
    this.emitter.fire(event);
    return event;
  }

  async run(): Promise<RunState> {
    this.emit({ type: 'run/didStart', runId: this.runId, repo: '/r', baseCommit: 'b', baseBranch: 'main', specPath: 's', specRevision: 'x', model: 'm', concurrency: 1 });
    await this.finished;
    this.emit({ type: 'run/didFinish', status: 'stopped', integrationBranch: null, integrationCommit: null });
    return this.state;
  }

  end(): void {
    this.finish();
  }

  async stop(): Promise<void> {
    this.stops++;
    this.finish();
  }

  async stopAgent(agentId: string): Promise<boolean> {
    return agentId === 'a1';
  }

  async resolveEscalation(escalationId: string, choice: string, by: string): Promise<RunState> {
    this.emit({ type: 'escalation/didResolve', escalationId, choice, by });
    return this.state;
  }

  async startManualMerge(escalationId: string): Promise<ManualMerge> {
    return { escalationId, worktree: '/tmp/x', files: [], base: null, ours: 'o', theirs: 't', heldTaskId: 'b' };
  }

  async completeManualMerge(escalationId: string, by: string): Promise<RunState> {
    this.emit({ type: 'escalation/didResolve', escalationId, choice: 'manual', by });
    return this.state;
  }

  reviewFinding(taskId: string, index: number, decision: 'accepted' | 'dismissed', by: string): RunState {
    this.emit({ type: 'finding/didReview', taskId, index, decision, by });
    return this.state;
  }

  dispose(): void {
    this.disposed = true;
    this.finish();
  }
}

describe('vscode/run/runController', () => {
  const options = {} as RunOptions;

  it('relays events and state, and refuses a second active run', async () => {
    const fakes: FakeCoordinator[] = [];
    const controller = new RunController(() => {
      const fake = new FakeCoordinator(fakes.length);
      fakes.push(fake);
      return fake;
    });
    const seen: string[] = [];
    const active: boolean[] = [];
    controller.onDidEvent((e) => seen.push(e.type));
    controller.onDidChangeActive((a) => active.push(a));
    const started = await controller.start(options);
    assert.equal(started.runId, 'run-0');
    assert.ok(controller.isRunning);
    await new Promise((r) => setImmediate(r));
    assert.equal(controller.state.runId, 'run-0');
    await assert.rejects(controller.start(options), /already active/);
    fakes[0].end();
    const done = await started.done;
    assert.equal(done.error, null);
    assert.equal(controller.isRunning, false);
    assert.deepEqual(seen, ['run/didStart', 'run/didFinish']);
    assert.deepEqual(active, [true, false]);
    assert.equal(fakes[0].stops, 1, 'workers are released when the run ends');
    assert.equal(controller.events.length, 2);
    await controller.dispose();
    assert.ok(fakes[0].disposed);
  });

  it('stops, disposes resources after the run, and replaces the previous run', async () => {
    const fakes: FakeCoordinator[] = [];
    const controller = new RunController(() => {
      const fake = new FakeCoordinator(fakes.length);
      fakes.push(fake);
      return fake;
    });
    let resourceDisposed = 0;
    const first = await controller.start(options, [{ dispose: () => void resourceDisposed++ }]);
    assert.equal(await controller.stopAgent('a1'), true);
    assert.equal(await controller.stop(), true);
    await first.done;
    assert.equal(resourceDisposed, 0, 'the model stays for escalation answers');
    const seen: RunEvent[] = [];
    const sub = controller.onDidEvent((e) => seen.push(e));
    await controller.resolveEscalation('esc-1', 'theirs', 'user');
    await controller.startManualMerge('esc-2');
    await controller.completeManualMerge('esc-2', 'user');
    sub.dispose();
    assert.deepEqual(
      seen.map((e) => (e.type === 'escalation/didResolve' ? e.choice : e.type)),
      ['theirs', 'manual'],
      'answers reach the coordinator; a merge-editor merge is journaled when it lands',
    );
    let resets = 0;
    controller.onDidReset(() => resets++);
    const second = await controller.start(options);
    assert.ok(fakes[0].disposed, 'the previous coordinator is disposed');
    assert.equal(resourceDisposed, 1, 'and its resources');
    assert.equal(resets, 1);
    assert.equal(controller.runId, 'run-1');
    assert.ok(
      controller.events.every((e) => e.type !== 'run/didStart' || e.runId === 'run-1'),
      'events start over',
    );
    await controller.dispose();
    assert.ok(fakes[1].disposed, 'dispose stops the active run');
    await second.done;
    assert.equal(await controller.stop(), false);
  });

  it('reports a crash as an error, never a rejection', async () => {
    const controller = new RunController(() => {
      const fake = new FakeCoordinator(0);
      fake.run = async () => {
        throw new Error('boom');
      };
      return fake;
    });
    const started = await controller.start(options);
    const done = await started.done;
    assert.equal(done.error?.message, 'boom');
    assert.equal(controller.isRunning, false);
    await controller.dispose();
  });

  it('words progress for the notification', () => {
    assert.equal(progressMessage(initialRunState()), 'starting…');
    const planning = reduce(initialRunState(), { seq: 0, ts: 1, type: 'run/didStart', runId: 'r', repo: '/r', baseCommit: 'b', baseBranch: 'main', specPath: 's', specRevision: 'x', model: 'm', concurrency: 1 });
    assert.match(progressMessage(planning), /planning/);
  });
});
