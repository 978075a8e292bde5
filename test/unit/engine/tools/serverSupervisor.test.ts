import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { AgentTools } from '../../../../extension/engine/tools/agentTools';
import { loomServerConfig, startAgentTools } from '../../../../extension/engine/tools/mcpAgentTools';
import type { ServerFailure, ServerRestart } from '../../../../extension/engine/tools/serverSupervisor';
import type { McpSupervision } from '../../../../extension/protocol/workerMessages';
import { buildToolServer, cleanupAfterEach, isDead, tempDir, waitFor } from './toolTestHelpers';

const FAULTY = path.resolve(__dirname, '../../../fixtures/mcp/faultyServer.mjs');

/** Dead and hung MCP servers, with a real server subprocess that fails on cue (test/fixtures/mcp/faultyServer.mjs). */
describe('engine/tools/serverSupervisor (dead and hung servers)', () => {
  let serverScript: string;
  const cleanup = cleanupAfterEach();

  before(async () => {
    serverScript = await buildToolServer();
  });

  async function agent(supervision: Partial<McpSupervision>, faultyScript = FAULTY): Promise<{ dir: string; tools: AgentTools; failures: ServerFailure[]; restarts: ServerRestart[] }> {
    const dir = await tempDir('loom-supervised-');
    const failures: ServerFailure[] = [];
    const restarts: ServerRestart[] = [];
    const tools = await startAgentTools({
      servers: [
        loomServerConfig({ serverScript, root: dir }),
        { name: 'faulty', command: process.execPath, args: [faultyScript, '--freeze-file', 'freeze-now'], env: [] },
      ],
      cwd: dir,
      supervision: { pingIntervalMs: 0, ...supervision },
      onServerFail: (f) => failures.push(f),
      onServerRestart: (r) => restarts.push(r),
    });
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    cleanup.push(() => tools.dispose());
    return { dir, tools, failures, restarts };
  }

  const pidOf = (tools: AgentTools, name: string) => tools.servers.find((s) => s.name === name)!.pid;

  it('a hung call ends at the call timeout with an error naming the server, which is killed and restarted', async () => {
    const a = await agent({ callTimeoutMs: 1500 });
    const hungPid = pidOf(a.tools, 'faulty');
    const loomPid = pidOf(a.tools, 'loom');
    const started = Date.now();
    const hung = await a.tools.call('faulty__hang', '{}');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1400 && elapsed < 4000, `the hung call took ${elapsed} ms against a 1500 ms timeout`);
    assert.deepEqual([hung.ok, hung.server], [false, 'faulty']);
    assert.match(hung.text, /^tool "faulty__hang" got no answer within 1500 ms; MCP server "faulty" was killed as hung\. The server was restarted \(pid \d+\)/);
    assert.deepEqual(a.failures.map((f) => [f.server, f.pid, f.reason, f.willRestart]), [['faulty', hungPid, 'callTimeout', true]]);
    assert.ok(await isDead(hungPid));
    const echo = await a.tools.call('faulty__echo', JSON.stringify({ text: 'again' }));
    assert.ok(echo.ok, echo.text);
    assert.match(echo.text, new RegExp(`echo: again \\(pid ${a.restarts[0].pid}\\)`));
    assert.equal(pidOf(a.tools, 'loom'), loomPid, "the agent's other server is untouched");
  });

  it('an idle server that stops answering is found by the health ping and restarted before the next call needs it', async () => {
    const a = await agent({ pingIntervalMs: 200, pingTimeoutMs: 500 });
    const frozenPid = pidOf(a.tools, 'faulty');
    const cued = Date.now();
    await fs.writeFile(path.join(a.dir, 'freeze-now'), '');
    await waitFor(() => a.restarts.length === 1, 5000);
    const noticedIn = Date.now() - cued;
    assert.ok(noticedIn < 2500, `noticed after ${noticedIn} ms with pings every 200 ms and a 500 ms ping timeout`);
    assert.deepEqual(a.failures.map((f) => [f.server, f.pid, f.reason]), [['faulty', frozenPid, 'pingTimeout']]);
    assert.match(a.failures[0].message, /did not answer a health ping within 500 ms/);
    assert.ok(await isDead(frozenPid));
    const echo = await a.tools.call('faulty__echo', JSON.stringify({ text: 'hi' }));
    assert.ok(echo.ok, echo.text);
    assert.equal(a.failures.length, 1, 'a healthy server is never taken for a hung one');
  });

  it('a server busy on a call is not a hung one: pings wait while a call is timing the server', async () => {
    const a = await agent({ pingIntervalMs: 100, pingTimeoutMs: 300, callTimeoutMs: 5000 });
    const slow = await a.tools.call('faulty__busy', JSON.stringify({ ms: 1200 }));
    assert.ok(slow.ok, slow.text);
    assert.deepEqual(a.failures, []);
  });

  it('restarts are bounded: a server that keeps dying stays down and says so; the other servers and report_result still work', async () => {
    const a = await agent({ maxRestarts: 2 });
    for (let i = 0; i < 3; i++) {
      const crashed = await a.tools.call('faulty__crash', '{}');
      assert.equal(crashed.ok, false);
      assert.match(crashed.text, /MCP server "faulty" crashed during "faulty__crash" \(it exited with code 3/);
    }
    assert.deepEqual(a.failures.map((f) => [f.reason, f.restarts, f.willRestart]), [['exited', 0, true], ['exited', 1, true], ['exited', 2, false]]);
    assert.equal(a.restarts.length, 2);
    const started = Date.now();
    const down = await a.tools.call('faulty__echo', '{}');
    assert.ok(Date.now() - started < 500, 'a server that is down answers at once');
    assert.deepEqual([down.ok, down.server], [false, 'faulty']);
    assert.match(down.text, /^MCP server "faulty" is down after 2 restart\(s\)/);
    assert.ok((await a.tools.call('list_files', '{}')).ok);
    const reported = await a.tools.call('report_result', JSON.stringify({ status: 'done', summary: 'finished without faulty' }));
    assert.ok(reported.ok, reported.text);
  });

  it('a server that cannot be started again is journaled as such, and stays down', async () => {
    const dir = await tempDir('loom-vanishing-');
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    const script = path.join(dir, 'faulty.mjs');
    await fs.copyFile(FAULTY, script);
    const a = await agent({ maxRestarts: 2 }, script);
    await fs.rm(script);
    const crashed = await a.tools.call('faulty__crash', '{}');
    assert.match(crashed.text, /stays down|is down after/);
    assert.deepEqual(a.failures.map((f) => [f.reason, f.willRestart]), [['exited', true], ['restartFailed', true], ['restartFailed', false]]);
    assert.match(a.failures[1].message, /MCP server "faulty" .*failed to start/);
    assert.deepEqual(a.restarts, []);
  });
});
