import assert from 'node:assert/strict';
import { dashboardCsp, dashboardHtml, newNonce } from '../../../../extension/vscode/dashboard/dashboardHtml';
import { routeWebviewMessage, type WebviewMessageHandlers } from '../../../../extension/vscode/dashboard/routeWebviewMessage';

describe('vscode/dashboard', () => {
  it('builds a strict CSP with the nonce and no network source', () => {
    const csp = dashboardCsp('https://x.vscode-cdn.net', 'abc');
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-abc'; style-src https://x.vscode-cdn.net 'unsafe-inline'; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data:",
    );
  });

  it('loads only the bundle and stylesheet, the script with the nonce', () => {
    const nonce = newNonce();
    assert.match(nonce, /^[A-Za-z0-9_-]{20,}$/);
    assert.notEqual(nonce, newNonce());
    const html = dashboardHtml({ cspSource: 'vscode-resource:', nonce, scriptUri: 'https://r/dist/webview/main.js', styleUri: 'https://r/dist/webview/main.css?a=1&b="2"' });
    assert.ok(html.includes(`<script nonce="${nonce}" src="https://r/dist/webview/main.js"></script>`));
    assert.ok(html.includes('href="https://r/dist/webview/main.css?a=1&amp;b=&quot;2&quot;"'), 'attributes are escaped');
    assert.ok(html.includes('<div id="root"></div>'));
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(html.includes(`script-src 'nonce-${nonce}'`));
  });

  function recorder() {
    const calls: string[] = [];
    const handlers: WebviewMessageHandlers = {
      ready: () => calls.push('ready'),
      resolveEscalation: (id, choice) => calls.push(`resolve ${id} ${choice}`),
      reviewFinding: (t, i, d) => calls.push(`review ${t} ${i} ${d}`),
      openFile: (p, l) => calls.push(`open ${p} ${l}`),
      openDiff: (t) => calls.push(`diff ${t}`),
      openRun: (r) => calls.push(`open run ${r}`),
      resumeRun: (r) => calls.push(`resume run ${r}`),
      invalid: (e) => calls.push(`invalid ${e}`),
    };
    return { calls, handlers };
  }

  it('routes every valid message to its handler', () => {
    const { calls, handlers } = recorder();
    routeWebviewMessage({ type: 'webview/didReady' }, handlers);
    routeWebviewMessage({ type: 'escalation/resolve', escalationId: 'esc-1', choice: 'ours' }, handlers);
    routeWebviewMessage({ type: 'finding/review', taskId: 't', index: 0, decision: 'dismissed' }, handlers);
    routeWebviewMessage({ type: 'file/open', path: 'src/a.js', line: 3 }, handlers);
    routeWebviewMessage({ type: 'diff/open', taskId: 't' }, handlers);
    routeWebviewMessage({ type: 'escalation/resolve', escalationId: 'approval-1', choice: 'approve' }, handlers);
    routeWebviewMessage({ type: 'run/open', runId: 'r1' }, handlers);
    routeWebviewMessage({ type: 'run/resume', runId: 'r2' }, handlers);
    assert.deepEqual(calls, ['ready', 'resolve esc-1 ours', 'review t 0 dismissed', 'open src/a.js 3', 'diff t', 'resolve approval-1 approve', 'open run r1', 'resume run r2']);
  });

  it('drops malformed messages with a reason instead of acting on them', () => {
    const { calls, handlers } = recorder();
    for (const bad of [null, 'webview/didReady', { type: 'escalation/resolve', escalationId: 'esc-1', choice: 'rm -rf' }, { type: 'file/open', path: '' }, { type: 'nope' }, { command: 'x' }, { type: 'run/open', runId: '' }, { type: 'run/resume' }]) {
      routeWebviewMessage(bad, handlers);
    }
    assert.equal(calls.length, 8);
    for (const c of calls) assert.match(c, /^invalid /);
  });
});
