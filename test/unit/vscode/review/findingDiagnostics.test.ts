import assert from 'node:assert/strict';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { findingDiagnostics, findingKey } from '../../../../extension/vscode/review/findingDiagnostics';
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

  it('maps findings with a file to 0-based diagnostics in the worktree or the repository', () => {
    const leases = taskLeases(events);
    const byFile = findingDiagnostics(state, leases);
    const all = [...byFile.values()].flat();
    const withFile = state.tasks.flatMap((t) => t.findings.filter((f) => f.file));
    assert.equal(all.length, withFile.length);
    for (const [path, list] of byFile) {
      for (const d of list) {
        const lease = leases.get(d.taskId);
        const root = lease?.present ? lease.path : state.repo!;
        assert.ok(path.startsWith(root + '/'), `${path} under ${root}`);
        const finding = state.tasks.find((t) => t.task.id === d.taskId)!.findings[d.index];
        assert.equal(d.line, Math.max(0, (finding.line ?? 1) - 1));
        assert.equal(d.severity, finding.severity);
      }
    }
    const first = all[0];
    const without = [...findingDiagnostics(state, leases, new Set([findingKey(first.taskId, first.index)])).values()].flat();
    assert.equal(without.length, all.length - 1, 'a dismissed finding leaves the Problems panel');
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
