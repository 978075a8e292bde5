import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeRepo, makeTempDir, git } from '../../../fixtures/gitRepo';
import { startSandboxedAgent, type SandboxedAgent } from '../../../fixtures/sandboxedAgent';
import { buildToolServer } from '../tools/toolTestHelpers';
import { caller, hashTree, hostDescendants, requireBubblewrap, stdoutOf, type Call } from './sandboxHarness';

/** Runs npm on the host, offline, with a cache of its own. */
function hostNpm(cwd: string, args: string[], cache: string): void {
  const r = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: cache, npm_config_cache: path.join(cache, 'npm'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${r.stderr || r.error}`);
}

/**
 * Two agents of one run on one repository, in their own sandboxes: they do not collide on ports,
 * temp folders or installed dependencies, and nothing of the test process's environment reaches them.
 */
describe('engine/sandbox isolation between agents', function () {
  this.timeout(120_000);

  let repo: string;
  let runDir: string;
  let a1: SandboxedAgent;
  let a2: SandboxedAgent;
  let call1: Call;
  let call2: Call;
  let userModules: string;
  let modulesBefore: string;
  const canary = `canary-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  let savedCanary: string | undefined;
  const cleanups: Array<() => unknown> = [];

  const run = async (call: Call, argv: string[]) => {
    const r = await call('run_command', { command: argv });
    return { ok: r.ok, text: r.text, out: stdoutOf(r.text), exit: /exit code: (\d+)/.exec(r.text)?.[1] };
  };

  before(async function () {
    requireBubblewrap(this);
    savedCanary = process.env.LOOM_TEST_CANARY_TOKEN;
    process.env.LOOM_TEST_CANARY_TOKEN = canary;
    // A repository with dependencies installed the ordinary way: a package from a local tarball, a lockfile, node_modules.
    const r = await makeRepo({ 'a.txt': 'a\n', '.gitignore': 'node_modules\n' });
    cleanups.push(r.cleanup);
    repo = r.dir;
    const scratch = await makeTempDir('loom-iso-npm-');
    cleanups.push(scratch.cleanup);
    const depSrc = path.join(scratch.dir, 'dep');
    fs.mkdirSync(path.join(depSrc, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(depSrc, 'package.json'), JSON.stringify({ name: 'dep', version: '1.0.0', main: 'index.js' }));
    fs.writeFileSync(path.join(depSrc, 'index.js'), "module.exports = 'dep-1 ' + require('./lib/util');\n");
    fs.writeFileSync(path.join(depSrc, 'lib', 'util.js'), "module.exports = 'util';\n");
    fs.mkdirSync(path.join(repo, 'vendor'));
    hostNpm(depSrc, ['pack', '--pack-destination', path.join(repo, 'vendor')], scratch.dir);
    fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: { dep: 'file:vendor/dep-1.0.0.tgz' } }, null, 2));
    hostNpm(repo, ['install', '--offline', '--no-audit', '--no-fund'], scratch.dir);
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-q', '--no-verify', '-m', 'deps');
    userModules = path.join(repo, 'node_modules');
    assert.ok(fs.existsSync(path.join(userModules, 'dep', 'lib', 'util.js')), 'the host install did not produce node_modules/dep');
    modulesBefore = hashTree(userModules);

    const rd = await makeTempDir('loom-iso-run-');
    cleanups.push(rd.cleanup);
    runDir = rd.dir;
    const toolServer = await buildToolServer();
    [a1, a2] = await Promise.all(['iso1', 'iso2'].map((taskId) => startSandboxedAgent({ repo, runDir, toolServer, taskId, commandTimeoutMs: 20_000 })));
    for (const a of [a1, a2]) assert.equal(a.sandbox.spec.kind, 'bubblewrap', a.sandbox.spec.summary);
    call1 = caller(a1);
    call2 = caller(a2);
  });

  after(async () => {
    await a1?.dispose().catch(() => undefined);
    await a2?.dispose().catch(() => undefined);
    if (savedCanary === undefined) delete process.env.LOOM_TEST_CANARY_TOKEN;
    else process.env.LOOM_TEST_CANARY_TOKEN = savedCanary;
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  it('two agents start a server on port 3000 at the same time and both succeed', async () => {
    // The host may hold 3000 as well: it must not matter.
    const hostServer = net.createServer((s) => s.end('HOST'));
    const hostHolds = await new Promise<boolean>((resolve) => {
      hostServer.once('error', () => resolve(false));
      hostServer.listen(3000, '127.0.0.1', () => resolve(true));
    });
    try {
      const script = `
        const http = require('http');
        const server = http.createServer((q, s) => s.end('answered by ' + process.env.LOOM_AGENT_ID));
        server.on('error', (e) => { console.log('LISTEN-ERROR', e.code); process.exit(1); });
        server.listen(3000, '127.0.0.1', () => {
          console.log('LISTENING', Date.now());
          // Hold the port long enough for the other agent to hold it too, then ask ourselves.
          setTimeout(() => http.get('http://127.0.0.1:3000/', (r) => {
            let body = ''; r.on('data', (d) => (body += d));
            r.on('end', () => { console.log('ANSWER', body); console.log('CLOSING', Date.now()); server.close(); });
          }).on('error', (e) => { console.log('GET-ERROR', e.code); process.exit(1); }), 800);
        });`;
      const [r1, r2] = await Promise.all([run(call1, ['node', '-e', script]), run(call2, ['node', '-e', script])]);
      for (const [r, id] of [[r1, 'impl-iso1-1'], [r2, 'impl-iso2-1']] as const) {
        assert.equal(r.exit, '0', r.text);
        assert.match(r.out, new RegExp(`ANSWER answered by ${id}$`, 'm'), r.text);
      }
      const span = (out: string) => [Number(/LISTENING (\d+)/.exec(out)![1]), Number(/CLOSING (\d+)/.exec(out)![1])];
      const [s1, e1] = span(r1.out);
      const [s2, e2] = span(r2.out);
      assert.ok(s1 < e2 && s2 < e1, `the two servers did not hold port 3000 at the same time (${s1}–${e1}, ${s2}–${e2})`);
      if (hostHolds) assert.ok(true, 'the host held 127.0.0.1:3000 throughout');
    } finally {
      hostServer.close();
    }
  });

  it("an agent's npm install leaves the user's node_modules byte-identical; its own view shows the change", async () => {
    await call1('write_file', { path: 'local-pkg/package.json', content: JSON.stringify({ name: 'local-pkg', version: '1.0.0', main: 'index.js' }) });
    await call1('write_file', { path: 'local-pkg/index.js', content: "module.exports = 'local';\n" });
    const install = await run(call1, ['npm', 'install', '--offline', '--no-audit', '--no-fund', './local-pkg']);
    assert.equal(install.exit, '0', install.text);
    const view1 = await run(call1, ['node', '-e', "console.log(require('local-pkg'), require('dep'))"]);
    assert.match(view1.out, /^local dep-1 util$/m, view1.text);
    const view2 = await run(call2, ['node', '-e', "try { require('local-pkg'); console.log('SEES') } catch { console.log('ABSENT') } console.log(require('dep'))"]);
    assert.match(view2.out, /^ABSENT\ndep-1 util$/m, `the other agent sees the first one's install: ${view2.text}`);
    assert.equal(hashTree(userModules), modulesBefore, "the user's node_modules changed");
    assert.ok(!fs.existsSync(path.join(userModules, 'local-pkg')));
  });

  it("files written and removed under node_modules, then npm rebuild: only the agent's view changes", async () => {
    const edit = await run(call1, ['node', '-e', `
      const fs = require('fs');
      fs.writeFileSync('node_modules/dep/index.js', "module.exports = 'patched';\\n");
      fs.writeFileSync('node_modules/dep/added.js', 'added');
      fs.rmSync('node_modules/dep/lib/util.js');
      fs.chmodSync('node_modules/dep/package.json', 0o600);
      console.log('EDITED');`]);
    assert.match(edit.out, /EDITED/, edit.text);
    const rebuild = await run(call1, ['npm', 'rebuild', '--offline']);
    assert.equal(rebuild.exit, '0', rebuild.text);
    const view1 = await run(call1, ['node', '-e', "const fs = require('fs'); console.log(require('dep'), fs.existsSync('node_modules/dep/added.js'), fs.existsSync('node_modules/dep/lib/util.js'))"]);
    assert.match(view1.out, /^patched true false$/m, view1.text);
    const view2 = await run(call2, ['node', '-e', "console.log(require('dep'))"]);
    assert.match(view2.out, /^dep-1 util$/m, view2.text);
    assert.equal(hashTree(userModules), modulesBefore, "the user's node_modules changed");
  });

  it('an agent can remove a dependency folder in its own view (npm uninstall), and only there', async () => {
    const uninstall = await run(call2, ['npm', 'uninstall', '--offline', '--no-audit', '--no-fund', 'dep']);
    assert.equal(hashTree(userModules), modulesBefore, "the user's node_modules changed");
    assert.equal(uninstall.exit, '0', `npm uninstall failed inside the sandbox: ${uninstall.text}`);
    const view2 = await run(call2, ['node', '-e', "console.log(require('fs').existsSync('node_modules/dep'))"]);
    assert.match(view2.out, /^false$/m, view2.text);
    const view1 = await run(call1, ['node', '-e', "console.log(require('fs').existsSync('node_modules/dep'))"]);
    assert.match(view1.out, /^true$/m, view1.text);
  });

  it('each agent has its own identity, ports, names and temp folder, and none of the test process\'s environment', async () => {
    const dump = "const fs = require('fs'); const tmp = process.env.TMPDIR + '/iso-' + process.env.LOOM_AGENT_ID; fs.writeFileSync(tmp, 'x'); " +
      "console.log(JSON.stringify({ env: process.env, environ: fs.readFileSync('/proc/self/environ', 'utf8'), init: fs.readFileSync('/proc/1/environ', 'utf8'), tmp: fs.readdirSync(process.env.TMPDIR) }))";
    const [d1, d2] = await Promise.all([run(call1, ['node', '-e', dump]), run(call2, ['node', '-e', dump])]);
    const e1 = JSON.parse(d1.out) as { env: Record<string, string>; environ: string; init: string; tmp: string[] };
    const e2 = JSON.parse(d2.out) as typeof e1;
    for (const k of ['LOOM_AGENT_ID', 'PORT', 'COMPOSE_PROJECT_NAME', 'LOOM_DB_PREFIX']) {
      assert.ok(e1.env[k] && e2.env[k], `${k} missing: ${e1.env[k]} / ${e2.env[k]}`);
      assert.notEqual(e1.env[k], e2.env[k], `${k} is the same for both agents`);
    }
    // One run: the same run id; TMPDIR is the same path in both, but each sandbox's own /tmp.
    for (const k of ['LOOM_RUN_ID', 'TMPDIR']) assert.ok(e1.env[k] && e1.env[k] === e2.env[k], `${k}: ${e1.env[k]} / ${e2.env[k]}`);
    assert.ok(e1.tmp.includes('iso-impl-iso1-1') && !e1.tmp.includes('iso-impl-iso2-1'), `agent 1's TMPDIR: ${e1.tmp}`);
    assert.ok(e2.tmp.includes('iso-impl-iso2-1') && !e2.tmp.includes('iso-impl-iso1-1'), `agent 2's TMPDIR: ${e2.tmp}`);
    assert.ok(!fs.existsSync(path.join(os.tmpdir(), 'iso-impl-iso1-1')), "an agent's TMPDIR file is on the host's /tmp");
    for (const e of [e1, e2]) {
      const leaked = Object.keys(e.env).filter((k) => !['PATH', 'LANG'].includes(k) && process.env[k] !== undefined && process.env[k] === e.env[k]);
      assert.deepEqual(leaked, [], `variables of the test process reached the agent: ${leaked.join(', ')}`);
      assert.ok(!e.environ.includes(canary) && !e.init.includes(canary) && !JSON.stringify(e.env).includes(canary), 'the canary variable reached the agent');
      assert.notEqual(e.env.HOME, process.env.HOME);
    }
    // On the host: every process of each agent (the wrapper, bwrap, the tool server).
    for (const a of [a1, a2]) {
      const pids = hostDescendants(a.tools.servers[0].pid);
      const cmdlines = pids.map((p) => fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' '));
      assert.ok(cmdlines.some((c) => c.includes(path.basename(a.servers[0].args[0]))), `no tool server among ${cmdlines.join(' | ')}`);
      for (const p of pids) {
        const environ = fs.readFileSync(`/proc/${p}/environ`, 'utf8');
        assert.ok(!environ.includes(canary), `/proc/${p}/environ (${cmdlines[pids.indexOf(p)]}) holds the canary`);
        const keys = environ.split('\0').filter(Boolean).map((kv) => kv.slice(0, kv.indexOf('=')));
        const leaked = keys.filter((k) => !['PATH', 'LANG'].includes(k) && environ.includes(`${k}=${process.env[k]}\0`) && process.env[k] !== undefined);
        assert.deepEqual(leaked, [], `/proc/${p}/environ holds the test process's ${leaked.join(', ')}`);
      }
    }
  });
});
