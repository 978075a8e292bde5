import assert from 'node:assert/strict';
import { foldEvents } from '../../../extension/protocol/reduce';
import { initialRunState } from '../../../extension/protocol/runState';
import {
  choicesForEscalation,
  hostMessages,
  parseHostMessage,
  parseWebviewMessage,
  webviewMessages,
} from '../../../extension/protocol/webviewMessages';
import { loadRecordedRun } from '../webview/recordedRun';

describe('protocol/webviewMessages', () => {
  const events = loadRecordedRun();

  it('accepts a snapshot of a whole folded run, with and without events, unchanged', () => {
    const state = foldEvents(events);
    const withEvents = parseHostMessage(JSON.parse(JSON.stringify(hostMessages.snapshot(state, events))));
    assert.ok(withEvents.ok);
    assert.deepEqual(withEvents.message, { type: 'state/didSnapshot', state, events });
    const bare = parseHostMessage(hostMessages.snapshot(initialRunState()));
    assert.ok(bare.ok && bare.message.type === 'state/didSnapshot' && bare.message.events === undefined);
  });

  it('accepts every recorded event as run/didEmit', () => {
    for (const event of events) assert.ok(parseHostMessage(hostMessages.emit(event)).ok, event.type);
  });

  const malformedHost: [string, unknown, RegExp][] = [
    ['not an object', 'state/didSnapshot', /expected an object, got string/],
    ['null', null, /expected an object, got null/],
    ['an array', [], /expected an object, got an array/],
    ['no type', { state: initialRunState() }, /invalid host message: type/],
    ['unknown type', { type: 'run/didExplode' }, /invalid host message 'run\/didExplode': type/],
    ['snapshot without state', { type: 'state/didSnapshot' }, /state: /],
    ['snapshot with a wrong status', { type: 'state/didSnapshot', state: { ...initialRunState(), status: 'exploded' } }, /state\.status/],
    ['snapshot with a task missing fields', { type: 'state/didSnapshot', state: { ...initialRunState(), tasks: [{ status: 'running' }] } }, /state\.tasks\.0\.task/],
    ['event without seq', { type: 'run/didEmit', event: { ts: 1, type: 'task/didStart', taskId: 't', attempt: 1 } }, /event\.seq/],
    ['event of an unknown type', { type: 'run/didEmit', event: { seq: 1, ts: 1, type: 'task/didWobble' } }, /event\.type/],
    ['event with wrong field types', { type: 'run/didEmit', event: { seq: 1, ts: 1, type: 'task/didStart', taskId: 7, attempt: '1' } }, /event\.taskId|event\.attempt/],
  ];
  for (const [name, input, error] of malformedHost) {
    it(`rejects a host message: ${name}`, () => {
      const result = parseHostMessage(input);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.error, error);
    });
  }

  it('builds and accepts every webview message', () => {
    for (const m of [
      webviewMessages.ready(),
      webviewMessages.resolveEscalation('esc-2', 'theirs'),
      webviewMessages.reviewFinding('truncate', 1, 'dismissed'),
      webviewMessages.openFile('src/index.js', 3),
      webviewMessages.openFile('src/index.js'),
      webviewMessages.openDiff('slugify'),
    ]) {
      const parsed = parseWebviewMessage(JSON.parse(JSON.stringify(m)));
      assert.ok(parsed.ok, JSON.stringify(m));
      assert.deepEqual(parsed.message, m);
    }
  });

  const malformedWebview: [string, unknown, RegExp][] = [
    ['unknown type', { type: 'escalation/explode' }, /type/],
    ['resolve without id', { type: 'escalation/resolve', choice: 'ours' }, /escalationId/],
    ['resolve with an unknown choice', { type: 'escalation/resolve', escalationId: 'e', choice: 'maybe' }, /choice/],
    ['review with a negative index', { type: 'finding/review', taskId: 't', index: -1, decision: 'accepted' }, /index/],
    ['review with a fractional index', { type: 'finding/review', taskId: 't', index: 1.5, decision: 'accepted' }, /index/],
    ['review with a wrong decision', { type: 'finding/review', taskId: 't', index: 0, decision: 'maybe' }, /decision/],
    ['open file with line 0', { type: 'file/open', path: 'a', line: 0 }, /line/],
    ['open file with a numeric path', { type: 'file/open', path: 3 }, /path/],
    ['open diff without a task', { type: 'diff/open' }, /taskId/],
  ];
  for (const [name, input, error] of malformedWebview) {
    it(`rejects a webview message: ${name}`, () => {
      const result = parseWebviewMessage(input);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.error, error);
    });
  }

  it('offers the known options of an escalation, else the defaults of its kind', () => {
    assert.deepEqual(choicesForEscalation('conflict', ['ours', 'theirs', 'mergeAgent', 'mergeEditor']), ['ours', 'theirs', 'mergeAgent', 'manual']);
    assert.deepEqual(choicesForEscalation('approval', ['approve', 'deny']), ['approve', 'deny']);
    assert.deepEqual(choicesForEscalation('approval', []), ['approve', 'deny']);
    assert.deepEqual(choicesForEscalation('budget', ['whatever']), ['raiseBudget', 'stop']);
  });
});
