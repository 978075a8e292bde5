import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import {
  bindWorkspaceFolder,
  loadMcpConfig,
  McpConfigError,
  parseMcpConfig,
  stripJsonComments,
} from '../../../../extension/engine/tools/mcpConfig';
import { tempDir } from './toolTestHelpers';

describe('engine/tools/mcpConfig', () => {
  const file = '/repo/.vscode/mcp.json';

  it('reads stdio servers, converts env to pairs and binds ${workspaceFolder} to the worktree', () => {
    const text = `{
      // comments and trailing commas, as VS Code allows
      "servers": {
        "filesystem": { "type": "stdio", "command": "node", "args": ["fs.js", "\${workspaceFolder}/src"], "env": { "DEBUG": "1", "N": 2, "DROP": null } },
        "memory": { "command": "mcp-memory", }, /* no type: stdio */
      },
      "inputs": [],
    }`;
    const { servers, warnings } = parseMcpConfig(text, file, { workspaceFolder: '/wt/agent-1' });
    assert.deepEqual(warnings, []);
    assert.deepEqual(servers, [
      { name: 'filesystem', command: 'node', args: ['fs.js', '/wt/agent-1/src'], env: [['DEBUG', '1'], ['N', '2']] },
      { name: 'memory', command: 'mcp-memory', args: [], env: [] },
    ]);
  });

  it('keeps ${workspaceFolder} unbound without a folder, for binding per agent', () => {
    const { servers } = parseMcpConfig('{"servers":{"x":{"command":"x","args":["${workspaceFolder}"],"env":{"ROOT":"${workspaceFolder}"}}}}', file);
    assert.deepEqual(servers[0].args, ['${workspaceFolder}']);
    const bound = bindWorkspaceFolder(servers[0], '/wt/b');
    assert.deepEqual(bound, { name: 'x', command: 'x', args: ['/wt/b'], env: [['ROOT', '/wt/b']] });
  });

  it('skips non-stdio servers and ignored fields with warnings that name the file', () => {
    const text = JSON.stringify({
      servers: {
        remote: { type: 'http', url: 'https://example.com/mcp' },
        legacy: { url: 'https://example.com/sse' },
        local: { command: 'srv', cwd: '/somewhere', envFile: '.env', args: ['${input:token}'] },
      },
    });
    const { servers, warnings } = parseMcpConfig(text, file);
    assert.deepEqual(servers.map((s) => s.name), ['local']);
    assert.equal(warnings.length, 5);
    assert.match(warnings[0], /^\/repo\/\.vscode\/mcp\.json: skipped MCP server "remote": type "http" is not supported/);
    assert.match(warnings[1], /skipped MCP server "legacy": type "http"/);
    assert.match(warnings[2], /"local": "cwd" is ignored/);
    assert.match(warnings[3], /"envFile" is not supported/);
    assert.match(warnings[4], /variable "\$\{input:token\}" is not supported/);
  });

  it('fails with clear errors naming the file', () => {
    const cases: Array<[string, RegExp]> = [
      ['{ "servers": ', /^\/repo\/\.vscode\/mcp\.json: not valid JSON/],
      ['{ "servers": { "a": { "command": 3 } } }', /^\/repo\/\.vscode\/mcp\.json: invalid MCP configuration:\n {2}servers\.a\.command: /],
      ['{ "servers": { "a": { "command": "x", "args": "--flag" } } }', /servers\.a\.args: /],
      ['{ "servers": { "a": { "type": "stdio" } } }', /servers\.a\.command: required for a stdio server/],
      ['{ "servers": { "loom": { "command": "x" } } }', /the name "loom" is reserved/],
      ['[]', /invalid MCP configuration/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseMcpConfig(text, file), (err: unknown) => {
        assert.ok(err instanceof McpConfigError, text);
        assert.equal(err.filePath, file);
        assert.match(err.message, message, text);
        return true;
      });
    }
  });

  it('strips comments and trailing commas but never touches strings', () => {
    const text = '{"a": "http://x // not a comment", /* c */ "b": ["/*", "*/",], // end\n}';
    assert.deepEqual(JSON.parse(stripJsonComments(text)), { a: 'http://x // not a comment', b: ['/*', '*/'] });
    assert.deepEqual(JSON.parse(stripJsonComments('{"q": "a\\"b, }"  ,\n // x\n }')), { q: 'a"b, }' });
  });

  it('loads a file from disk; a missing file is no servers', async () => {
    const dir = await tempDir('loom-mcpconfig-');
    try {
      const p = path.join(dir, 'mcp.json');
      await fs.writeFile(p, '{"servers":{"s":{"command":"srv","args":["${workspaceFolder}"]}}}');
      const loaded = await loadMcpConfig(p, { workspaceFolder: '/wt/c' });
      assert.deepEqual(loaded.servers, [{ name: 's', command: 'srv', args: ['/wt/c'], env: [] }]);
      assert.deepEqual(await loadMcpConfig(path.join(dir, 'missing.json')), { servers: [], warnings: [] });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
