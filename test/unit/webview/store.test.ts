import assert from 'node:assert/strict';
import { foldEvents } from '../../../extension/protocol/reduce';
import type { RunEvent } from '../../../extension/protocol/events';
import { hostMessages } from '../../../extension/protocol/webviewMessages';
import { createDashboardStore } from '../../../webview/state/store';
import { keptEvent } from '../../../webview/state/keptEvent';
import { fromPersisted, toPersisted } from '../../../webview/state/persisted';
import { loadRecordedRun } from './recordedRun';

describe('webview/state/store', () => {
  const events = loadRecordedRun();

  function feed(store: ReturnType<typeof createDashboardStore>, list: readonly RunEvent[]) {
    for (const event of list) store.getState().applyHostMessage(hostMessages.emit(event));
  }

  it('folds the recorded run to the expected state', () => {
    const store = createDashboardStore();
    feed(store, events);
    const { run, needsSnapshot } = store.getState();
    assert.equal(needsSnapshot, false);
    assert.equal(run.status, 'escalated');
    assert.equal(run.lastSeq, events.length - 1);
    assert.deepEqual(
      Object.fromEntries(run.tasks.map((t) => [t.task.id, t.status])),
      { slugify: 'merged', truncate: 'merged', 'case-conversion': 'merged', 'package-entry': 'conflicted' },
    );
    assert.equal(run.tasks.find((t) => t.task.id === 'truncate')?.attempts, 2);
    const tokens = Object.fromEntries(run.agents.map((a) => [a.agentId, [a.usage.inputTokens, a.usage.outputTokens]]));
    assert.deepEqual(tokens['coordinator-1'], [19619, 3018]);
    assert.deepEqual(tokens['impl-slugify-1'], [20461, 1775]);
    assert.deepEqual(tokens['impl-case-conversion-1'], [40962, 2125]);
    assert.deepEqual(tokens['verify-truncate-1'], [0, 0]);
    // Per-agent tokens are the sum of that agent's model responses.
    for (const agent of run.agents) {
      const mine = events.filter((e): e is Extract<RunEvent, { type: 'model/didRespond' }> => e.type === 'model/didRespond' && e.agentId === agent.agentId);
      assert.equal(agent.usage.inputTokens, mine.reduce((s, e) => s + e.usage.inputTokens, 0), agent.agentId);
      assert.equal(agent.modelCalls, mine.length, agent.agentId);
    }
    // Three implementors ran at the same time.
    const impls = run.agents.filter((a) => a.role === 'implementor' && !a.agentId.endsWith('-2'));
    const overlapAt = Math.max(...impls.slice(0, 3).map((a) => a.startedAt));
    assert.equal(impls.filter((a) => a.startedAt <= overlapAt && (a.endedAt ?? Infinity) > overlapAt).length, 3);
    const conflict = run.escalations.find((e) => e.kind === 'conflict');
    assert.equal(conflict?.escalationId, 'esc-2');
    assert.equal(conflict?.resolution, null);
    assert.equal(run.escalations.find((e) => e.escalationId === 'esc-1')?.resolution, 'deny');
  });

  it('agrees with the shared reducer folding all events', () => {
    const store = createDashboardStore();
    feed(store, events);
    assert.deepEqual(store.getState().run, foldEvents(events));
    assert.deepEqual(store.getState().events, events.map(keptEvent));
  });

  it('host messages that arrived together fold in one update, in order, as one by one: a gap, a duplicate and a snapshot among them', () => {
    const one = createDashboardStore({ log: () => {} });
    const batched = createDashboardStore({ log: () => {} });
    const messages = [
      hostMessages.snapshot(foldEvents(events, 20), events.slice(0, 21)),
      ...events.slice(21, 90).map(hostMessages.emit),
      hostMessages.emit(events[50]),
      ...events.slice(90, 150).map(hostMessages.emit),
      hostMessages.emit(events[170]),
    ];
    for (const m of messages) one.getState().applyHostMessage(m);
    let updates = 0;
    batched.subscribe(() => updates++);
    batched.getState().applyHostMessages(messages);
    assert.deepEqual(batched.getState().run, one.getState().run);
    assert.deepEqual(batched.getState().events, one.getState().events);
    assert.equal(batched.getState().needsSnapshot, true);
    assert.equal(updates, 2, 'the snapshot, then the 129 events (their gap included) in one');
    batched.getState().applyHostMessages([hostMessages.snapshot(foldEvents(events), events), ...events.slice(150).map(hostMessages.emit)]);
    assert.deepEqual(batched.getState().run, foldEvents(events));
  });

  for (const cut of [0, 17, 100, 191]) {
    it(`a snapshot at seq ${cut} and then the remaining events equals folding all events`, () => {
      const store = createDashboardStore();
      store.getState().applyHostMessage(hostMessages.snapshot(foldEvents(events, cut), events.slice(0, cut + 1)));
      feed(store, events.slice(cut + 1));
      assert.deepEqual(store.getState().run, foldEvents(events));
      assert.deepEqual(store.getState().events, events.map(keptEvent));
    });
  }

  it('a snapshot without events keeps the trace events it already had for the same run', () => {
    const store = createDashboardStore();
    feed(store, events.slice(0, 120));
    store.getState().applySnapshot(foldEvents(events, 150));
    assert.deepEqual(store.getState().events, events.slice(0, 120).map(keptEvent));
    assert.equal(store.getState().run.lastSeq, 150);
  });

  it('ignores duplicates and asks for a snapshot after a gap instead of folding', () => {
    const logged: string[] = [];
    const store = createDashboardStore({ log: (m) => logged.push(m) });
    feed(store, events.slice(0, 50));
    const before = store.getState().run;
    feed(store, events.slice(40, 50));
    assert.equal(store.getState().run, before);
    feed(store, [events[60]]);
    assert.equal(store.getState().run, before);
    assert.equal(store.getState().needsSnapshot, true);
    assert.match(logged[0], /event 60 arrived after 49/);
    store.getState().applySnapshot(foldEvents(events, 60), events.slice(0, 61));
    assert.equal(store.getState().needsSnapshot, false);
    feed(store, events.slice(61));
    assert.deepEqual(store.getState().run, foldEvents(events));
  });

  it('starts over when a new run starts', () => {
    const store = createDashboardStore();
    feed(store, events);
    const first = events[0] as Extract<RunEvent, { type: 'run/didStart' }>;
    feed(store, [{ ...first, runId: 'run-next', ts: first.ts + 3_600_000 }]);
    const { run, events: kept } = store.getState();
    assert.equal(run.runId, 'run-next');
    assert.equal(run.status, 'planning');
    assert.equal(run.agents.length, 0);
    assert.deepEqual(kept.map((e) => (e.type === 'run/didStart' ? e.runId : e.type)), ['run-next'], 'only the new run\'s events');
  });

  it('keeps checkpoints in the trace without their conversation', () => {
    const store = createDashboardStore();
    feed(store, events);
    const checkpoints = store.getState().events.filter((e) => e.type === 'checkpoint/didCommit');
    assert.ok(checkpoints.length >= 4);
    for (const c of checkpoints) assert.deepEqual(c.type === 'checkpoint/didCommit' && c.messages, []);
  });

  it('forgets a pending escalation answer once the journal resolves it', () => {
    const store = createDashboardStore();
    const upToApproval = events.findIndex((e) => e.type === 'escalation/didOpen');
    feed(store, events.slice(0, upToApproval + 1));
    store.getState().markResolutionPending('esc-1', 'deny');
    assert.deepEqual(store.getState().ui.pendingResolutions, [{ escalationId: 'esc-1', choice: 'deny' }]);
    feed(store, events.slice(upToApproval + 1));
    assert.deepEqual(store.getState().ui.pendingResolutions, []);
  });

  it('selection and tabs are UI state', () => {
    const store = createDashboardStore();
    feed(store, events);
    store.getState().selectAgent('impl-slugify-1', { showTraces: true });
    assert.equal(store.getState().ui.tab, 'traces');
    assert.equal(store.getState().ui.selectedAgentId, 'impl-slugify-1');
    store.getState().selectTask('truncate', { showPlan: true });
    assert.equal(store.getState().ui.tab, 'plan');
    store.getState().recordFindingReview('truncate', 0, 'accepted');
    store.getState().recordFindingReview('truncate', 0, 'dismissed');
    assert.deepEqual(store.getState().ui.findingReviews, [{ taskId: 'truncate', index: 0, decision: 'dismissed' }]);
  });

  it('round-trips through the persisted form', () => {
    const store = createDashboardStore();
    feed(store, events);
    store.getState().selectAgent('verify-truncate-1');
    const saved = JSON.parse(JSON.stringify(toPersisted(store.getState())));
    const restored = fromPersisted(saved);
    assert.ok(restored.ok);
    const again = createDashboardStore({ initial: restored.data });
    assert.deepEqual(again.getState().run, store.getState().run);
    assert.deepEqual(again.getState().events, store.getState().events);
    assert.equal(again.getState().ui.selectedAgentId, 'verify-truncate-1');
    assert.equal(fromPersisted({ v: 1, run: {} }).ok, false);
    assert.equal(fromPersisted(undefined).ok, false);
  });
  describe('timeline (time travel)', () => {
    const last = events[events.length - 1].seq;

    it('shows the run folded to event N while the live run goes on, and Live shows it again', () => {
      const store = createDashboardStore();
      const cut = 150;
      store.getState().applySnapshot(foldEvents(events, cut), events.slice(0, cut + 1));
      store.getState().showEvent(60);
      let s = store.getState();
      assert.equal(s.timelineSeq, 60);
      assert.deepEqual(s.run, foldEvents(events, 60));
      assert.deepEqual(s.events, events.slice(0, 61).map(keptEvent));
      assert.ok(s.run.agents.some((a) => a.status === 'running'), 'agents that finished later run at event 60');
      // New events fold into the live run; the past shown stays as it was.
      feed(store, events.slice(cut + 1));
      s = store.getState();
      assert.deepEqual(s.run, foldEvents(events, 60));
      assert.deepEqual(s.live.run, foldEvents(events));
      store.getState().showEvent(null);
      s = store.getState();
      assert.equal(s.timelineSeq, null);
      assert.equal(s.run, s.live.run);
      assert.deepEqual(s.run, foldEvents(events));
    });

    it('an answer confirmed while the past was shown is no longer pending once back live', () => {
      const store = createDashboardStore();
      const open = events.findIndex((e) => e.type === 'escalation/didOpen');
      feed(store, events.slice(0, open + 1));
      store.getState().markResolutionPending('esc-1', 'deny');
      store.getState().showEvent(20);
      const resolve = events.findIndex((e) => e.type === 'escalation/didResolve');
      feed(store, events.slice(open + 1, resolve + 1));
      assert.deepEqual(store.getState().ui.pendingResolutions.map((p) => p.escalationId), ['esc-1'], 'the past shown is left alone');
      store.getState().showEvent(null);
      assert.deepEqual(store.getState().ui.pendingResolutions, []);
    });

    it('the last event is live, and positions are clamped to the run', () => {
      const store = createDashboardStore();
      feed(store, events);
      store.getState().showEvent(last);
      assert.equal(store.getState().timelineSeq, null);
      store.getState().showEvent(last + 50);
      assert.equal(store.getState().timelineSeq, null);
      store.getState().showEvent(-3);
      assert.equal(store.getState().timelineSeq, 0);
      assert.deepEqual(store.getState().run, foldEvents(events, 0));
    });

    it('stays live when the panel does not hold the whole journal (a folded state cannot be unfolded)', () => {
      const store = createDashboardStore();
      store.getState().applySnapshot(foldEvents(events), events.slice(20));
      store.getState().showEvent(60);
      assert.equal(store.getState().timelineSeq, null);
      assert.deepEqual(store.getState().run, foldEvents(events));
    });

    it('a snapshot of the same run keeps the position; a new run goes live', () => {
      const store = createDashboardStore();
      feed(store, events);
      store.getState().showEvent(42);
      store.getState().applySnapshot(foldEvents(events), events);
      assert.equal(store.getState().timelineSeq, 42);
      assert.deepEqual(store.getState().run, foldEvents(events, 42));
      const first = events[0] as Extract<RunEvent, { type: 'run/didStart' }>;
      feed(store, [{ ...first, runId: 'run-next' }]);
      assert.equal(store.getState().timelineSeq, null);
      assert.equal(store.getState().run.runId, 'run-next');
    });
  });
});
