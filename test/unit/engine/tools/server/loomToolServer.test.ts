import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { AgentTools } from '../../../../../extension/engine/tools/agentTools';
import { loomServerConfig, startAgentTools } from '../../../../../extension/engine/tools/mcpAgentTools';
import { buildToolServer, tempDir } from '../toolTestHelpers';

/** Loom's tool server, started as a real subprocess over stdio and driven through the agent host. */
describe('engine/tools/server/loomToolServer (over stdio)', () => {
  let root: string;
  let outside: string;
  let tools: AgentTools;

  before(async () => {
    const serverScript = await buildToolServer();
    root = await tempDir('loom-server-root-');
    outside = await tempDir('loom-server-outside-');
    await fs.mkdir(path.join(root, 'src/lib'), { recursive: true });
    await fs.writeFile(path.join(root, 'src/a.ts'), 'export const a = 1;\n// TODO: b\n');
    await fs.writeFile(path.join(root, 'src/lib/b.ts'), 'export const b = 2;\n');
    await fs.writeFile(path.join(root, 'README.md'), '# Title\nTODO: docs\n');
    await fs.writeFile(path.join(root, 'bin.dat'), Buffer.from([0, 1, 2, 84, 79, 68, 79]));
    await fs.mkdir(path.join(root, 'node_modules/dep'), { recursive: true });
    await fs.writeFile(path.join(root, 'node_modules/dep/index.js'), '// TODO: never listed\n');
    await fs.writeFile(path.join(root, '.git'), 'gitdir: /elsewhere/.git/worktrees/x\n');
    await fs.writeFile(path.join(outside, 'secret.txt'), 'TODO: secret\n');
    await fs.symlink(outside, path.join(root, 'escape'));
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret-link.txt'));
    tools = await startAgentTools({
      servers: [loomServerConfig({ serverScript, root, commandTimeoutMs: 3000 })],
      cwd: root,
    });
  });

  after(async () => {
    await tools?.dispose();
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
  });

  const call = (name: string, args: unknown) => tools.call(name, JSON.stringify(args));

  it('exposes its six tools under plain names with JSON schemas', () => {
    const names = tools.specs.map((s) => s.name).sort();
    assert.deepEqual(names, ['list_files', 'read_file', 'report_result', 'run_command', 'search', 'write_file']);
    const write = tools.specs.find((s) => s.name === 'write_file')!;
    assert.deepEqual((write.parameters as { required?: string[] }).required?.sort(), ['content', 'path']);
  });

  it('reads, writes (creating folders), lists and searches', async () => {
    const read = await call('read_file', { path: 'src/a.ts' });
    assert.deepEqual([read.ok, read.server], [true, 'loom']);
    assert.equal(read.text, 'export const a = 1;\n// TODO: b\n');

    const write = await call('write_file', { path: 'new/deep/c.ts', content: 'export const c = 3; // TODO: c\n' });
    assert.ok(write.ok, write.text);
    assert.equal(await fs.readFile(path.join(root, 'new/deep/c.ts'), 'utf8'), 'export const c = 3; // TODO: c\n');

    const list = await call('list_files', {});
    assert.ok(list.ok, list.text);
    const listed = list.text.split('\n');
    for (const f of ['README.md', 'src/a.ts', 'src/lib/b.ts', 'new/deep/c.ts']) assert.ok(listed.includes(f), `${f} listed`);
    assert.ok(!listed.some((f) => f.startsWith('node_modules') || f === '.git'), list.text);

    const ts = await call('list_files', { glob: '*.ts' });
    assert.deepEqual(ts.text.split('\n').sort(), ['new/deep/c.ts', 'src/a.ts', 'src/lib/b.ts']);
    const sub = await call('list_files', { path: 'src', glob: 'src/lib/**' });
    assert.equal(sub.text, 'src/lib/b.ts');

    const search = await call('search', { pattern: 'TODO: \\w+' });
    assert.ok(search.ok, search.text);
    const lines = search.text.split('\n').sort();
    assert.deepEqual(lines, ['README.md:2: TODO: docs', 'new/deep/c.ts:1: export const c = 3; // TODO: c', 'src/a.ts:2: // TODO: b']);

    const globbed = await call('search', { pattern: 'TODO', glob: '*.md' });
    assert.equal(globbed.text, 'README.md:2: TODO: docs');
    const none = await call('search', { pattern: 'nothing-matches-this' });
    assert.deepEqual([none.ok, none.text], [true, '(no matches)']);
  });

  it('rejects .., absolute paths, symlink escapes and .git with clear tool errors', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['read_file', { path: '../x' }, /escapes the workspace root/],
      ['write_file', { path: '../../evil.txt', content: 'x' }, /escapes the workspace root/],
      ['read_file', { path: '/etc/passwd' }, /absolute paths are not allowed/],
      ['write_file', { path: path.join(root, 'abs.txt'), content: 'x' }, /absolute paths are not allowed/],
      ['read_file', { path: 'escape/secret.txt' }, /outside the workspace root through a symlink/],
      ['read_file', { path: 'secret-link.txt' }, /outside the workspace root through a symlink/],
      ['write_file', { path: 'escape/planted.txt', content: 'x' }, /outside the workspace root through a symlink/],
      ['write_file', { path: '.git', content: 'gitdir: /tmp/evil' }, /\.git is not allowed/],
      ['write_file', { path: '.git/hooks/post-commit', content: '#!/bin/sh' }, /\.git is not allowed/],
      ['write_file', { path: 'vendor/.git/config', content: 'x' }, /\.git is not allowed/],
      ['read_file', { path: '.git' }, /\.git is not allowed/],
      ['list_files', { path: '..' }, /escapes the workspace root/],
    ];
    for (const [tool, args, message] of cases) {
      const out = await call(tool, args);
      assert.equal(out.ok, false, `${tool} ${JSON.stringify(args)} should fail`);
      assert.match(out.text, message, `${tool} ${JSON.stringify(args)}`);
    }
    await assert.rejects(fs.access(path.join(outside, 'planted.txt')));
    await assert.rejects(fs.access(path.join(root, '../evil.txt')));
    assert.equal(await fs.readFile(path.join(root, '.git'), 'utf8'), 'gitdir: /elsewhere/.git/worktrees/x\n');
    // search never reads through the link that leaves the root
    const search = await call('search', { pattern: 'secret' });
    assert.equal(search.text, '(no matches)');
  });

  it('reports ordinary file errors as tool errors, and the server keeps serving', async () => {
    const missing = await call('read_file', { path: 'nope.txt' });
    assert.deepEqual([missing.ok, missing.text], [false, 'cannot read "nope.txt": no such file or directory']);
    const dir = await call('read_file', { path: 'src' });
    assert.match(dir.text, /is a directory/);
    const binary = await call('read_file', { path: 'bin.dat' });
    assert.match(binary.text, /binary file/);
    const badRegex = await call('search', { pattern: '(' });
    assert.match(badRegex.text, /invalid regular expression/);
    const badArgs = await call('write_file', { path: 'x.txt' });
    assert.equal(badArgs.ok, false);
    assert.match(badArgs.text, /content/);
    assert.ok((await call('read_file', { path: 'src/a.ts' })).ok);
  });

  it('run_command runs argv without a shell in the root (which programs may run is the gate\'s decision, before the server)', async () => {
    const literal = await call('run_command', { command: ['node', '-e', 'console.log(process.argv[1])', '$HOME; touch pwned'] });
    assert.match(literal.text, /\$HOME; touch pwned/);
    await assert.rejects(fs.access(path.join(root, 'pwned')));

    const ran = await call('run_command', {
      command: ['node', '-e', 'console.log(process.cwd()); console.error("warn"); process.exit(3)'],
    });
    assert.ok(ran.ok, ran.text);
    assert.match(ran.text, /exit code: 3/);
    assert.match(ran.text, new RegExp(`--- stdout ---\\n${root}\\n`));
    assert.match(ran.text, /--- stderr ---\nwarn/);

    const big = await call('run_command', { command: ['node', '-e', 'process.stdout.write("x".repeat(200000))'] });
    assert.match(big.text, /characters omitted/);
    assert.ok(big.text.length < 40_000);
  });

  it('run_command kills a command at its timeout', async () => {
    const started = Date.now();
    const slow = await call('run_command', { command: ['node', '-e', 'setTimeout(() => {}, 60000)'] });
    assert.equal(slow.ok, false);
    assert.match(slow.text, /timed out after 3000 ms/);
    assert.ok(Date.now() - started < 10_000);
  });

  it('report_result returns the validated result, and lists zod issues when invalid', async () => {
    const ok = await call('report_result', { status: 'done', summary: 'added c', filesChanged: ['new/deep/c.ts'] });
    assert.ok(ok.ok, ok.text);
    assert.deepEqual(ok.structured, { status: 'done', summary: 'added c', filesChanged: ['new/deep/c.ts'], testsRun: [] });
    assert.deepEqual(JSON.parse(ok.text), ok.structured);

    const bad = await call('report_result', { status: 'finished', summary: '' });
    assert.equal(bad.ok, false);
    assert.equal(bad.structured, undefined);
    assert.match(bad.text, /status/);
    assert.match(bad.text, /summary/);
  });
});
