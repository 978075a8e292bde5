import assert from 'node:assert/strict';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { taskLeases } from '../../../../extension/vscode/review/taskLeases';
import { confinePath } from '../../../../extension/vscode/review/confinePath';
import { gitRefUriParts, parseGitRefQuery } from '../../../../extension/vscode/review/gitRefUri';
import { traceText } from '../../../../extension/vscode/review/traceText';
import { loadRecordedRun } from '../../webview/recordedRun';

describe('vscode/review', () => {
  const events = loadRecordedRun();
  const state = foldEvents(events);

  it('folds implementor leases and notices removed worktrees', () => {
    const leases = taskLeases(events);
    assert.ok(leases.size > 0);
    for (const lease of leases.values()) {
      assert.ok(lease.startCommit);
      const removed = events.some((e) => e.type === 'lease/didRemove' && e.path === lease.path);
      assert.equal(lease.present, !removed);
    }
  });

  it('confines webview paths to the repository and worktrees', () => {
    assert.equal(confinePath('src/a.js', ['/repo']), '/repo/src/a.js');
    assert.equal(confinePath('/repo/src/a.js', ['/repo']), '/repo/src/a.js');
    assert.equal(confinePath('/wt/t1/x.js', ['/repo', '/wt/t1']), '/wt/t1/x.js');
    assert.equal(confinePath('../etc/passwd', ['/repo']), null);
    assert.equal(confinePath('/etc/passwd', ['/repo']), null);
    assert.equal(confinePath('/repo-other/x', ['/repo']), null);
  });

  it('round-trips a loom-git ref and refuses option-like revisions', () => {
    const parts = gitRefUriParts({ repo: '/r', rev: 'loom/run/t1', path: 'src/a b.js' });
    assert.equal(parts.scheme, 'loom-git');
    assert.equal(parts.path, '/src/a b.js');
    assert.deepEqual(parseGitRefQuery(parts.query), { repo: '/r', rev: 'loom/run/t1', path: 'src/a b.js' });
    assert.equal(parseGitRefQuery('{"repo":"/r","rev":"--output=x","path":"a"}'), null);
    assert.equal(parseGitRefQuery('not json'), null);
  });

  it('writes a per-agent trace of model and tool calls', () => {
    const agent = state.agents.find((a) => a.role === 'implementor')!;
    const text = traceText(events, { agentId: agent.agentId });
    assert.match(text, new RegExp(`Loom trace of agent ${agent.agentId}`));
    assert.match(text, /chat turn \d+/);
    assert.match(text, /tool \S+\/\S+ (ok|FAILED)/);
    const other = state.agents.find((a) => a.agentId !== agent.agentId)!;
    assert.ok(!text.includes(`${other.agentId}: `), 'other agents stay out');
    assert.match(traceText(events, { taskId: agent.taskId! }), /task\/didStart/);
  });
});
