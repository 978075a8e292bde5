import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyAction, effectivePolicy, loadPolicyFile, parsePolicy, PolicyError } from '../../../../extension/engine/policy/actionPolicy';
import { actionOfToolCall, createPolicyGate } from '../../../../extension/engine/policy/approvalGate';
import { DEFAULT_ACTION_POLICY, type Action } from '../../../../extension/protocol/policy';

describe('engine/policy/actionPolicy', () => {
  const allow = ['node', 'npm'];
  const decide = (action: Action, policy = DEFAULT_ACTION_POLICY) => classifyAction(action, policy, allow).decision;

  it('has the defaults the issue names', () => {
    assert.equal(decide({ kind: 'command', argv: ['node', '-v'] }), 'allow');
    assert.equal(decide({ kind: 'command', argv: ['/usr/bin/node', '-v'] }), 'allow', 'an absolute path to an allowlisted program');
    assert.equal(decide({ kind: 'command', argv: ['./node'] }), 'approve', 'a relative path is a program the agent may have written');
    assert.equal(decide({ kind: 'command', argv: ['curl', 'https://example.com'] }), 'approve');
    assert.equal(decide({ kind: 'readSecretFile', path: '.env' }), 'approve');
    assert.equal(decide({ kind: 'writeOutsideScope', path: 'src/index.js', scope: ['src/a.js'] }), 'approve');
    assert.equal(decide({ kind: 'network', server: 'web', network: 'host' }), 'approve');
    assert.equal(decide({ kind: 'network', server: 'web', network: 'loopback' }), 'allow');
    assert.equal(decide({ kind: 'mergeIntoUserBranch', branch: 'main' }), 'approve');
    assert.equal(decide({ kind: 'mcpTool', server: 'filesystem', tool: 'read_file', arguments: '{}' }), 'allow');
    assert.equal(DEFAULT_ACTION_POLICY.approvalTimeoutSeconds, 600);
  });

  it('applies per-program rules before the allowlist, matched by the one allowlist rule', () => {
    const policy = parsePolicy({ commands: { programs: { node: 'deny', curl: 'allow' }, other: 'deny' } }, 'test');
    assert.equal(decide({ kind: 'command', argv: ['node'] }, policy), 'deny');
    assert.equal(decide({ kind: 'command', argv: ['/usr/local/bin/node'] }, policy), 'deny');
    assert.equal(decide({ kind: 'command', argv: ['curl'] }, policy), 'allow');
    assert.equal(decide({ kind: 'command', argv: ['bin/curl'] }, policy), 'deny', 'bin/curl is not curl');
    assert.equal(decide({ kind: 'command', argv: ['npm', 'test'] }, policy), 'allow');
    assert.equal(decide({ kind: 'command', argv: ['wget'] }, policy), 'deny');
    assert.equal(decide({ kind: 'mcpTool', server: 'github', tool: 'x', arguments: '{}' }, parsePolicy({ mcpServers: { github: 'approve' } }, 't')), 'approve');
  });

  it('without a sandbox every command that would be allowed needs approval; denials stay denials', () => {
    const policy = effectivePolicy(parsePolicy({ commands: { programs: { curl: 'allow', rm: 'deny' } } }, 't'), { confined: false });
    assert.equal(decide({ kind: 'command', argv: ['node'] }, policy), 'approve');
    assert.equal(decide({ kind: 'command', argv: ['curl'] }, policy), 'approve');
    assert.equal(decide({ kind: 'command', argv: ['rm'] }, policy), 'deny');
    assert.equal(decide({ kind: 'command', argv: ['make'] }, policy), 'approve');
    assert.equal(decide({ kind: 'readSecretFile', path: '.env' }, policy), 'approve');
    assert.equal(effectivePolicy(DEFAULT_ACTION_POLICY, { confined: true }), DEFAULT_ACTION_POLICY);
  });

  describe('validation', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'loom-policy-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const file = (text: string) => {
      const path = join(dir, 'policy.json');
      writeFileSync(path, text);
      return path;
    };
    const errorOf = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        assert.ok(err instanceof PolicyError, `not a PolicyError: ${String(err)}`);
        assert.doesNotMatch(err.message, /\n\s+at /, 'no stack trace in the message');
        return err.message;
      }
      assert.fail('no error');
    };

    it('reads a file with comments and trailing commas; missing keys keep their defaults', () => {
      const policy = loadPolicyFile(file('// mine\n{ "writeOutsideScope": "allow", /* ok */ "commands": { "programs": { "git": "approve", }, }, }\n'));
      assert.equal(policy.writeOutsideScope, 'allow');
      assert.deepEqual(policy.commands, { allowlisted: 'allow', other: 'approve', programs: { git: 'approve' } });
      assert.equal(policy.readSecretFile, 'approve');
      assert.equal(policy.approvalTimeoutSeconds, 600);
    });

    it('names every mistake with its path: a wrong decision, an unknown key, a bad timeout', () => {
      const message = errorOf(() =>
        loadPolicyFile(file(JSON.stringify({ commands: { other: 'aprove', programs: { curl: 'never' } }, writeOutsideScop: 'allow', approvalTimeoutSeconds: 0 }))),
      );
      assert.match(message, /^the policy file .*policy\.json is not a valid Loom policy \(see docs\/policy\.md\):/);
      assert.match(message, /\n {2}commands\.other: must be "allow", "approve" or "deny"/);
      assert.match(message, /\n {2}commands\.programs\.curl: must be "allow", "approve" or "deny"/);
      assert.match(message, /\n {2}\(top level\): unknown key\(s\) "writeOutsideScop"/);
      assert.match(message, /\n {2}approvalTimeoutSeconds: must be more than 0/);
      assert.match(errorOf(() => loadPolicyFile(file(JSON.stringify({ approvalTimeoutSeconds: '10' })))), /approvalTimeoutSeconds: must be a number of seconds/);
      assert.match(errorOf(() => loadPolicyFile(file(JSON.stringify({ commands: { allow: ['x'] } })))), /commands: unknown key\(s\) "allow"/);
      assert.match(errorOf(() => parsePolicy(['approve'], 'the setting loom.policy')), /^the setting loom\.policy is not a valid Loom policy/);
    });

    it('says when the file is missing or not JSON', () => {
      assert.match(errorOf(() => loadPolicyFile(join(dir, 'nope.json'))), /^cannot read the policy file .*nope\.json: no such file$/);
      assert.match(errorOf(() => loadPolicyFile(file('{ "network": deny }'))), /^the policy file .*policy\.json is not valid JSON: /);
    });
  });

  describe('the gate: which tool calls are which actions', () => {
    const worktree = '/tmp/lease';
    const options = { policy: DEFAULT_ACTION_POLICY, fileScope: ['src/**', 'test/a.test.js'], worktree };
    const loom = (tool: string, args: Record<string, unknown>) => actionOfToolCall({ server: 'loom', tool, loom: true, args }, options);

    it('maps run_command, read_file of secrets and write_file outside scope; everything else is no action', () => {
      assert.deepEqual(loom('run_command', { command: ['npm', 'test'] }), { kind: 'command', argv: ['npm', 'test'] });
      assert.equal(loom('run_command', { command: 'npm test' }), null, 'the server refuses a non-argv itself');
      assert.deepEqual(loom('read_file', { path: 'config/.env' }), { kind: 'readSecretFile', path: 'config/.env' });
      assert.deepEqual(loom('read_file', { path: './id_ed25519' }), { kind: 'readSecretFile', path: 'id_ed25519' });
      assert.deepEqual(loom('read_file', { path: `${worktree}/deploy/server.pem` }), { kind: 'readSecretFile', path: 'deploy/server.pem' });
      assert.equal(loom('read_file', { path: '.env.example' }), null);
      assert.equal(loom('read_file', { path: 'src/a.js' }), null);
      assert.equal(loom('write_file', { path: 'src/deep/a.js', content: '' }), null);
      assert.equal(loom('write_file', { path: 'test/a.test.js', content: '' }), null);
      assert.deepEqual(loom('write_file', { path: 'src/../index.js', content: '' }), { kind: 'writeOutsideScope', path: 'index.js', scope: ['src/**', 'test/a.test.js'] });
      assert.equal(loom('write_file', { path: '../other/x.js', content: '' }), null, 'outside the worktree: the tool server refuses it');
      assert.equal(loom('list_files', {}), null);
      assert.equal(actionOfToolCall({ server: 'fs', tool: 'write_file', loom: false, args: {} }, options), null, 'servers the policy does not name');
      assert.deepEqual(actionOfToolCall({ server: 'gh', tool: 'create_issue', loom: false, args: { t: 1 } }, { ...options, policy: parsePolicy({ mcpServers: { gh: 'deny' } }, 't') }), {
        kind: 'mcpTool',
        server: 'gh',
        tool: 'create_issue',
        arguments: '{"t":1}',
      });
    });

    it('asks only for approve, journals a deny without asking, and lets allow through', async () => {
      const asked: Action[] = [];
      const denied: string[] = [];
      const gate = createPolicyGate({
        policy: parsePolicy({ commands: { programs: { rm: 'deny' } } }, 't'),
        allowlist: ['node'],
        fileScope: ['src/**'],
        worktree,
        ask: async ({ action }) => {
          asked.push(action);
          return { approved: false, by: 'tester', escalationId: 'approval-1', message: 'tester denied it (approval-1)' };
        },
        onDeny: (_action, reason) => denied.push(reason),
      });
      const call = (command: string[]) => gate.check({ server: 'loom', tool: 'run_command', loom: true, args: { command } });
      assert.deepEqual(await call(['node', '-v']), { ok: true });
      const no = await call(['rm', '-rf', '/']);
      assert.equal(no.ok, false);
      assert.match(!no.ok ? no.text : '', /^denied by Loom's policy: you may not run `rm -rf \/` \(the policy names `rm`\)/);
      assert.deepEqual(denied, ['the policy names `rm`']);
      const waited = await call(['make']);
      assert.match(!waited.ok ? waited.text : '', /^not approved: tester denied it \(approval-1\)\. You may not run `make`/);
      assert.deepEqual(asked, [{ kind: 'command', argv: ['make'] }]);
    });
  });
});
