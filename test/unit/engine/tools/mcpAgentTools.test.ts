import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { getEventListeners } from 'node:events';
import type { AgentTools, StartedServer } from '../../../../extension/engine/tools/agentTools';
import { loomServerConfig, openAgentTools, startAgentTools } from '../../../../extension/engine/tools/mcpAgentTools';
import { McpServerStartError, type ServerExitInfo } from '../../../../extension/engine/tools/mcpServerConnection';
import type { ServerFailure, ServerRestart } from '../../../../extension/engine/tools/serverSupervisor';
import { buildToolServer, cleanupAfterEach, environOf, filesystemServerScript, isDead, tempDir, waitFor } from './toolTestHelpers';

/** Real MCP server subprocesses over stdio, one set per agent. */
describe('engine/tools/mcpAgentTools', () => {
  let serverScript: string;
  const cleanup = cleanupAfterEach();

  before(async () => {
    serverScript = await buildToolServer();
  });

  async function agent(
    name: string,
    extra: Partial<Parameters<typeof startAgentTools>[0]> = {},
  ): Promise<{ dir: string; tools: AgentTools; started: StartedServer[]; exits: ServerExitInfo[]; failures: ServerFailure[]; restarts: ServerRestart[] }> {
    const dir = await tempDir(`loom-agent-${name}-`);
    const started: StartedServer[] = [];
    const exits: ServerExitInfo[] = [];
    const failures: ServerFailure[] = [];
    const restarts: ServerRestart[] = [];
    const tools = await startAgentTools({
      servers: [loomServerConfig({ serverScript, root: dir, commandTimeoutMs: 20_000 })],
      cwd: dir,
      onServerStart: (s) => started.push(s),
      onServerExit: (e) => exits.push(e),
      onServerFail: (f) => failures.push(f),
      onServerRestart: (r) => restarts.push(r),
      ...extra,
    });
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    cleanup.push(() => tools.dispose());
    return { dir, tools, started, exits, failures, restarts };
  }

  it('gives two agents two server processes, each with cwd its own worktree, and no shared files', async () => {
    const a = await agent('a');
    const b = await agent('b');
    const [pa, pb] = [a.tools.servers[0].pid, b.tools.servers[0].pid];
    assert.notEqual(pa, pb);
    assert.equal(await fs.readlink(`/proc/${pa}/cwd`), a.dir);
    assert.equal(await fs.readlink(`/proc/${pb}/cwd`), b.dir);
    assert.deepEqual(a.started.map((s) => [s.name, s.pid, s.cwd]), [['loom', pa, a.dir]]);
    assert.ok(a.started[0].tools.includes('write_file'));

    const written = await a.tools.call('write_file', JSON.stringify({ path: 'only-a.txt', content: 'from a' }));
    assert.ok(written.ok, written.text);
    assert.equal(await fs.readFile(path.join(a.dir, 'only-a.txt'), 'utf8'), 'from a');
    const fromB = await b.tools.call('read_file', JSON.stringify({ path: 'only-a.txt' }));
    assert.equal(fromB.ok, false);
    assert.match(fromB.text, /no such file/);
    assert.equal((await b.tools.call('list_files', '{}')).text, '(no files)');
    assert.match((await b.tools.call('read_file', JSON.stringify({ path: `../${path.basename(a.dir)}/only-a.txt` }))).text, /escapes the workspace root/);
  });

  it('starts servers with a minimal environment: no secrets from the parent, only PATH/HOME/LANG and the config env', async () => {
    const saved = { OPENAI_API_KEY: process.env.OPENAI_API_KEY, LOOM_API_KEY: process.env.LOOM_API_KEY };
    process.env.OPENAI_API_KEY = 'sk-test-secret';
    process.env.LOOM_API_KEY = 'loom-test-secret';
    try {
      const dir = await tempDir('loom-agent-env-');
      cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
      const config = loomServerConfig({ serverScript, root: dir });
      config.env = [['EXPLICIT_VAR', 'yes']];
      const tools = await startAgentTools({ servers: [config], cwd: dir });
      cleanup.push(() => tools.dispose());
      const env = await environOf(tools.servers[0].pid);
      assert.equal(env.OPENAI_API_KEY, undefined);
      assert.equal(env.LOOM_API_KEY, undefined);
      assert.equal(env.EXPLICIT_VAR, 'yes');
      const allowed = new Set(['PATH', 'HOME', 'LANG', 'EXPLICIT_VAR']);
      assert.deepEqual(Object.keys(env).filter((k) => !allowed.has(k)), [], JSON.stringify(env));
      assert.equal(env.PATH, process.env.PATH);

      // run_command children inherit the server's (minimal) environment
      const out = await tools.call('run_command', JSON.stringify({ command: ['node', '-e', 'console.log(Object.keys(process.env).sort().join(","))'] }));
      assert.ok(out.ok, out.text);
      assert.doesNotMatch(out.text, /API_KEY/);
      assert.match(out.text, /EXPLICIT_VAR/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('starts @modelcontextprotocol/server-filesystem per agent and calls it through the same path with its prefix', async () => {
    const dir = await tempDir('loom-agent-fs-');
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    await fs.writeFile(path.join(dir, 'hello.txt'), 'hello from fs');
    const tools = await startAgentTools({
      servers: [
        loomServerConfig({ serverScript, root: dir }),
        { name: 'filesystem', command: process.execPath, args: [filesystemServerScript(), dir], env: [] },
      ],
      cwd: dir,
    });
    cleanup.push(() => tools.dispose());
    const fsServer = tools.servers.find((s) => s.name === 'filesystem')!;
    assert.equal(await fs.readlink(`/proc/${fsServer.pid}/cwd`), dir);
    const names = tools.specs.map((s) => s.name);
    assert.ok(names.includes('read_file'), 'loom tools keep plain names');
    assert.ok(names.includes('filesystem__read_text_file'), names.join(','));
    assert.ok(names.includes('filesystem__list_directory'));
    assert.ok(!names.some((n) => n === 'read_text_file'));

    const listing = await tools.call('filesystem__list_directory', JSON.stringify({ path: dir }));
    assert.ok(listing.ok, listing.text);
    assert.equal(listing.server, 'filesystem');
    assert.match(listing.text, /\[FILE\] hello\.txt/);
    const read = await tools.call('filesystem__read_text_file', JSON.stringify({ path: path.join(dir, 'hello.txt') }));
    assert.ok(read.ok, read.text);
    assert.equal(read.text, 'hello from fs');
    const denied = await tools.call('filesystem__read_text_file', JSON.stringify({ path: '/etc/hostname' }));
    assert.equal(denied.ok, false);
    assert.match(denied.text, /denied|outside/i);
  });

  it("leaves no listener on the agent's signal after its calls (the SDK would add one per call and keep it)", async () => {
    const a = await agent('listeners');
    const stop = new AbortController();
    for (let i = 0; i < 12; i++) assert.ok((await a.tools.call('list_files', '{}', { signal: stop.signal })).ok);
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  });

  it('answers invalid JSON and unknown tools without calling a server', async () => {
    const a = await agent('args');
    const bad = await a.tools.call('read_file', '{"path": ');
    assert.equal(bad.ok, false);
    assert.match(bad.text, /^invalid JSON arguments: /);
    const notObject = await a.tools.call('read_file', '[1]');
    assert.match(notObject.text, /expected a JSON object/);
    const unknown = await a.tools.call('rm_rf', '{}');
    assert.equal(unknown.ok, false);
    assert.match(unknown.text, /unknown tool "rm_rf"; known tools: .*read_file.*report_result/);
  });

  it('a killed server is restarted at once for its agent, journaled, and the next call goes to the new process', async () => {
    const a = await agent('crash');
    const b = await agent('bystander');
    const first = a.tools.servers[0].pid;
    process.kill(first, 'SIGKILL');
    await waitFor(() => a.restarts.length === 1);
    assert.deepEqual([a.exits[0].pid, a.exits[0].signal, a.exits[0].expected], [first, 'SIGKILL', false]);
    assert.deepEqual(
      a.failures.map((f) => [f.server, f.pid, f.reason, f.restarts, f.willRestart]),
      [['loom', first, 'exited', 0, true]],
    );
    assert.match(a.failures[0].message, /MCP server "loom" stopped unexpectedly \(it was killed by SIGKILL/);
    const second = a.tools.servers[0].pid;
    assert.notEqual(second, first);
    assert.deepEqual(a.restarts.map((r) => [r.server, r.previousPid, r.pid, r.restarts]), [['loom', first, second, 1]]);
    assert.deepEqual(a.started.map((s) => s.pid), [first], 'a restart is not a first start');
    assert.equal(await fs.readlink(`/proc/${second}/cwd`), a.dir);

    const next = await a.tools.call('write_file', JSON.stringify({ path: 'x.txt', content: 'x' }));
    assert.ok(next.ok, next.text);
    // The other agent's server was never touched.
    assert.deepEqual([b.failures.length, b.restarts.length, b.tools.servers[0].pid], [0, 0, b.started[0].pid]);
  });

  it('a server killed during a call fails that call, kills what it started, and comes back', async () => {
    const a = await agent('midcall');
    const first = a.tools.servers[0].pid;
    const marker = path.join(a.dir, 'child.pid');
    const pending = a.tools.call(
      'run_command',
      JSON.stringify({ command: ['node', '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid)); setTimeout(() => {}, 60000)`] }),
    );
    await waitFor(async () => (await fs.readFile(marker, 'utf8').catch(() => '')) !== '');
    const childPid = Number(await fs.readFile(marker, 'utf8'));
    process.kill(first, 'SIGKILL');
    const outcome = await pending;
    assert.equal(outcome.ok, false);
    assert.match(outcome.text, /crashed during "run_command".*restarted/);
    await waitFor(() => isDead(childPid));
    const later = await a.tools.call('read_file', JSON.stringify({ path: 'child.pid' }));
    assert.ok(later.ok, later.text);
    assert.notEqual(a.tools.servers[0].pid, first);
  });

  it('calls that see the same crash share one restart and one journaled failure', async () => {
    const a = await agent('shared');
    const sleep = JSON.stringify({ command: ['node', '-e', 'setTimeout(() => {}, 30000)'] });
    const calls = [a.tools.call('run_command', sleep), a.tools.call('run_command', sleep), a.tools.call('run_command', sleep)];
    await new Promise((r) => setTimeout(r, 500));
    process.kill(a.tools.servers[0].pid, 'SIGKILL');
    const outcomes = await Promise.all(calls);
    for (const o of outcomes) {
      assert.equal(o.ok, false);
      assert.match(o.text, /crashed during "run_command".*restarted/);
    }
    assert.deepEqual([a.failures.length, a.restarts.length], [1, 1], 'one restart for one crash');
    assert.ok((await a.tools.call('list_files', '{}')).ok);
  });

  it('a server that keeps crashing stays down after maxRestarts, with an error naming it; report_result still works', async () => {
    const a = await agent('flaky', { supervision: { maxRestarts: 1 } });
    process.kill(a.tools.servers[0].pid, 'SIGKILL');
    await waitFor(() => a.restarts.length === 1);
    process.kill(a.tools.servers[0].pid, 'SIGKILL');
    await waitFor(() => a.failures.length === 2);
    assert.deepEqual(a.failures.map((f) => [f.reason, f.restarts, f.willRestart]), [['exited', 0, true], ['exited', 1, false]]);
    const down = await a.tools.call('list_files', '{}');
    assert.deepEqual([down.ok, down.server], [false, 'loom']);
    assert.match(down.text, /MCP server "loom" is down after 1 restart\(s\) \(it was killed by SIGKILL[;)].*report_result still works/);
    const reported = await a.tools.call('report_result', JSON.stringify({ status: 'blocked', summary: 'the tool server is gone' }));
    assert.ok(reported.ok, reported.text);
    assert.deepEqual(reported.structured, { status: 'blocked', summary: 'the tool server is gone', filesChanged: [], testsRun: [] });
    assert.equal(a.restarts.length, 1);
  });

  it('a long command is no hang: progress keeps its call alive past the call timeout; a cancelled call kills its command', async () => {
    const a = await agent('long', { supervision: { callTimeoutMs: 3000 } });
    const first = a.tools.servers[0].pid;
    const long = await a.tools.call('run_command', JSON.stringify({ command: ['node', '-e', 'setTimeout(() => console.log("finished"), 7000)'] }));
    assert.ok(long.ok, long.text);
    assert.match(long.text, /finished/);
    assert.deepEqual([a.tools.servers[0].pid, a.failures.length], [first, 0]);

    const marker = path.join(a.dir, 'cancel.pid');
    const controller = new AbortController();
    const pending = a.tools.call(
      'run_command',
      JSON.stringify({ command: ['node', '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid)); setTimeout(() => {}, 30000)`] }),
      { signal: controller.signal },
    );
    await waitFor(async () => (await fs.readFile(marker, 'utf8').catch(() => '')) !== '');
    const commandPid = Number(await fs.readFile(marker, 'utf8'));
    controller.abort();
    const cancelled = await pending;
    assert.deepEqual([cancelled.ok, cancelled.text], [false, 'tool "run_command" was cancelled']);
    await waitFor(() => isDead(commandPid));
    assert.ok((await a.tools.call('list_files', '{}')).ok);
  });

  it('dispose ends every server subprocess, and calls afterwards fail cleanly', async () => {
    const dir = await tempDir('loom-agent-dispose-');
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    const tools = await startAgentTools({
      servers: [
        loomServerConfig({ serverScript, root: dir }),
        { name: 'filesystem', command: process.execPath, args: [filesystemServerScript(), dir], env: [] },
      ],
      cwd: dir,
    });
    const pids = tools.servers.map((s) => s.pid);
    assert.equal(pids.length, 2);
    // a command left running in the background dies with its server
    const bg = tools.call('run_command', JSON.stringify({ command: ['node', '-e', 'setTimeout(() => {}, 60000)'] }));
    await new Promise((r) => setTimeout(r, 300));
    await tools.dispose();
    for (const pid of pids) assert.ok(await isDead(pid), `pid ${pid} still alive`);
    assert.equal((await bg).ok, false);
    const after = await tools.call('read_file', '{"path":"x"}');
    assert.deepEqual([after.ok, after.text], [false, 'the tools of this agent are closed']);
    await tools.dispose(); // twice is harmless
  });

  it('a server that cannot start is a McpServerStartError naming it, with its stderr; nothing is left running', async () => {
    const dir = await tempDir('loom-agent-bad-');
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    const started: StartedServer[] = [];
    await assert.rejects(
      startAgentTools({
        servers: [
          loomServerConfig({ serverScript, root: dir }),
          { name: 'broken', command: process.execPath, args: ['-e', 'console.error("boom: missing config"); process.exit(1)'], env: [] },
        ],
        cwd: dir,
        onServerStart: (s) => started.push(s),
      }),
      (err: unknown) => {
        assert.ok(err instanceof McpServerStartError);
        assert.equal(err.server, 'broken');
        assert.match(err.message, /MCP server "broken" .* failed to start/);
        assert.match(err.message, /boom: missing config/);
        return true;
      },
    );
    for (const s of started) await waitFor(() => isDead(s.pid));
    await assert.rejects(
      startAgentTools({ servers: [{ name: 'nope', command: '/nonexistent/mcp-server', args: [], env: [] }], cwd: dir }),
      /MCP server "nope" .*failed to start: spawn \/nonexistent\/mcp-server ENOENT/,
    );
  });

  it("offers Loom's server's tools before it has started, exactly as it then lists them, and a call waits for the start", async () => {
    const dir = await tempDir('loom-agent-ahead-');
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    const started: StartedServer[] = [];
    const opened = openAgentTools({ servers: [loomServerConfig({ serverScript, root: dir, commandTimeoutMs: 7_000 })], cwd: dir, onServerStart: (s) => started.push(s) });
    cleanup.push(() => opened.tools.dispose());
    assert.equal(opened.knownAhead, true);
    assert.equal(started.length, 0, 'nothing has started yet');
    const ahead = JSON.stringify(opened.tools.specs);
    assert.deepEqual(opened.tools.specs.map((s) => s.name), ['report_result', 'read_file', 'write_file', 'list_files', 'search', 'run_command']);
    assert.match(opened.tools.specs.find((s) => s.name === 'run_command')!.description, /Timeout 7000 ms/);
    // Called before the server has answered: the call waits for it, and reaches it.
    const written = await opened.tools.call('write_file', JSON.stringify({ path: 'early.txt', content: 'before the start' }));
    assert.ok(written.ok, written.text);
    assert.equal(await fs.readFile(path.join(dir, 'early.txt'), 'utf8'), 'before the start');
    await opened.ready;
    assert.equal(started.length, 1);
    // The server's own list replaced the known one, byte for byte: the prompt's tools do not change after the first turn.
    assert.equal(JSON.stringify(opened.tools.specs), ahead);
  });

  it('starts a server whose tools are known ahead once startAfter settles (its first model request left), and none for tools closed before that', async () => {
    const dir = await tempDir('loom-agent-after-');
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    let requestLeft = () => {};
    const startAfter = new Promise<void>((resolve) => (requestLeft = resolve));
    const opened = openAgentTools({ servers: [loomServerConfig({ serverScript, root: dir })], cwd: dir, startAfter });
    cleanup.push(() => opened.tools.dispose());
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(opened.tools.servers.map((s) => s.pid), [-1], 'no process while the request has not left');
    requestLeft();
    await opened.ready;
    assert.ok(opened.tools.servers[0].pid > 0);
    // An agent that ended before its first request: its tools close, and nothing starts after.
    let never = () => {};
    const closedFirst = openAgentTools({ servers: [loomServerConfig({ serverScript, root: dir })], cwd: dir, startAfter: new Promise<void>((resolve) => (never = resolve)) });
    await closedFirst.tools.dispose();
    never();
    await assert.rejects(closedFirst.ready, /the tools of this agent are closed/);
    assert.deepEqual(closedFirst.tools.servers.map((s) => s.pid), [-1]);
  });

  it('a server whose tools were known ahead but that cannot start: ready rejects naming it, and calls fail cleanly', async () => {
    const dir = await tempDir('loom-agent-ahead-bad-');
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    const broken = { ...loomServerConfig({ serverScript: path.join(dir, 'missing-server.js'), root: dir }) };
    const failures: ServerFailure[] = [];
    const opened = openAgentTools({ servers: [broken], cwd: dir, onServerFail: (f) => failures.push(f) });
    cleanup.push(() => opened.tools.dispose());
    assert.equal(opened.knownAhead, true);
    assert.ok(opened.tools.specs.some((s) => s.name === 'read_file'));
    await assert.rejects(opened.ready, (err: unknown) => err instanceof McpServerStartError && /MCP server "loom" .*failed to start/.test(err.message));
    const call = await opened.tools.call('read_file', JSON.stringify({ path: 'x' }));
    assert.equal(call.ok, false);
    assert.equal(call.text, 'the tools of this agent are closed');
    assert.deepEqual(failures, [], 'a start that failed is not a crash to report and restart');
    // A server whose tools are not known ahead: its agent waits for the start before its first model call.
    const unknown = openAgentTools({ servers: [{ name: 'other', command: '/nonexistent/mcp-server', args: [], env: [] }], cwd: dir });
    assert.equal(unknown.knownAhead, false);
    assert.deepEqual(unknown.tools.specs.map((s) => s.name), ['report_result']);
    await assert.rejects(unknown.ready, McpServerStartError);
  });
});
