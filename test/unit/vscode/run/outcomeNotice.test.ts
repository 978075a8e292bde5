import assert from 'node:assert/strict';
import { errorOutcome, outcomeNotice } from '../../../../extension/vscode/run/outcomeNotice';

describe('vscode/run/outcomeNotice', () => {
  it('a run that could not use its endpoint names the cause and next step, as an error whose Show Details opens the Loom log', () => {
    const notice = outcomeNotice({
      kind: 'configuration',
      headline: 'Run r1 failed: 0 of 0 tasks merged',
      cause: 'the coordinator could not use the model: http://127.0.0.1:9/v1 does not answer',
      nextStep: 'check the endpoint with "Loom: Choose Model…"',
    });
    assert.equal(notice.severity, 'error');
    assert.equal(
      notice.message,
      'Loom: Run r1 failed: 0 of 0 tasks merged. Cause: the coordinator could not use the model: http://127.0.0.1:9/v1 does not answer. Next: check the endpoint with "Loom: Choose Model…".',
    );
    assert.deepEqual(notice.actions, ['Show Details']);
    assert.equal(notice.detailsIn, 'log');
    assert.match(notice.details, /cause: .*127\.0\.0\.1:9/);
  });

  it('a long cause is cut in the notification and kept whole in the details', () => {
    const cause = Array.from({ length: 40 }, (_, i) => `task-${i} failed (tests did not pass)`).join('; ');
    const notice = outcomeNotice({ kind: 'tasks', headline: 'Run r2 failed', cause, nextStep: null });
    assert.ok(notice.message.length < 400, `${notice.message.length} characters`);
    assert.match(notice.message, /…\.$/);
    assert.ok(notice.details.includes(cause));
  });

  it('Show Details opens the dashboard tab that shows the cause: Agents for failed tasks, Plan for a rejected plan, Escalations for a question', () => {
    const where = (kind: 'tasks' | 'plan' | 'escalated' | 'stopped') => outcomeNotice({ kind, headline: 'h', cause: 'c', nextStep: 'n' });
    assert.equal(where('tasks').detailsIn, 'agents');
    assert.equal(where('plan').detailsIn, 'plan');
    assert.equal(where('escalated').detailsIn, 'escalations');
    assert.equal(where('stopped').detailsIn, 'agents');
    for (const kind of ['tasks', 'plan', 'escalated', 'stopped'] as const) assert.deepEqual(where(kind).actions, ['Show Details']);
  });

  it('a run that succeeded is information; one that waits for a person is a warning', () => {
    assert.equal(outcomeNotice({ kind: 'succeeded', headline: 'Run r3 succeeded: 4 of 4 tasks merged', cause: null, nextStep: null }).message, 'Loom: Run r3 succeeded: 4 of 4 tasks merged.');
    assert.equal(outcomeNotice({ kind: 'succeeded', headline: 'h', cause: null, nextStep: null }).severity, 'info');
    assert.deepEqual(outcomeNotice({ kind: 'succeeded', headline: 'h', cause: null, nextStep: null }).actions, ['Merge Result into My Branch', 'Open Dashboard'], 'the result is offered, never merged unasked');
    assert.equal(outcomeNotice({ kind: 'escalated', headline: 'h', cause: 'esc-1 (conflict)', nextStep: 'answer it' }).severity, 'warning');
  });

  it('an engine error before the run could start is its cause', () => {
    const notice = outcomeNotice(errorOutcome('r4', new Error('the model endpoint http://127.0.0.1:9/v1 does not answer: connection refused.')));
    assert.equal(notice.severity, 'error');
    assert.match(notice.message, /^Loom: Run r4 could not run\. Cause: the model endpoint http:\/\/127\.0\.0\.1:9\/v1 does not answer: connection refused\. Next: /);
  });
});
