import assert from 'node:assert/strict';
import { hasEndpoint, normalizeSettings } from '../../../../extension/vscode/adapters/loomSettings';
import { buildRunOptions, extensionBundlePaths } from '../../../../extension/vscode/run/buildRunOptions';
import { DEFAULT_RUN_SETTINGS } from '../../../../extension/engine/run/runOptions';
import { DEFAULT_ACTION_POLICY } from '../../../../extension/protocol/policy';

describe('vscode/adapters/loomSettings', () => {
  it('reads valid settings', () => {
    const values: Record<string, unknown> = {
      'model.baseUrl': ' http://127.0.0.1:11434/v1 ',
      'model.name': 'qwen',
      concurrency: 5,
      'budgets.taskTokens': 1000,
      commandAllowlist: ['node', 'pnpm'],
      'verifier.model': 'judge',
      lintCommand: 'npx  eslint .',
      commandTimeoutSeconds: 300,
      'verifier.flakeReruns': 0,
      'conflicts.onPredicted': 'hold',
    };
    const s = normalizeSettings((k) => values[k]);
    assert.deepEqual(s, {
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'qwen',
      concurrency: 5,
      taskTokens: 1000,
      commandAllowlist: ['node', 'pnpm'],
      verifierModel: 'judge',
      lintCommand: ['npx', 'eslint', '.'],
      commandTimeoutMs: 300_000,
      flakeReruns: 0,
      setupCommand: '',
      policy: DEFAULT_ACTION_POLICY,
      policyError: null,
      taskUsd: undefined,
      limits: {},
      prices: undefined,
      pricesError: null,
      onPredictedConflict: 'hold',
    });
    assert.ok(hasEndpoint(s));
    const options = buildRunOptions({ repo: '/r', specPath: '/r/S.md', endpoint: { baseUrl: '', model: 'm', apiKey: '', timeoutMs: 1, maxRetries: 0, headers: [] }, settings: s, loomHome: '/h', extensionRoot: '/e', mcpServers: [] });
    assert.equal(options.commandTimeoutMs, 300_000);
    assert.equal(options.flakeReruns, 0);
    assert.equal(options.onPredictedConflict, 'hold');
    assert.equal(normalizeSettings((k) => (k === 'conflicts.onPredicted' ? 'shout' : undefined)).onPredictedConflict, 'tell');
  });

  it('reads loom.policy with the policy file schema; a mistake is an error, never a silent fallback', () => {
    const ok = normalizeSettings((k) => (k === 'policy' ? { writeOutsideScope: 'allow', approvalTimeoutSeconds: 30 } : undefined));
    assert.equal(ok.policyError, null);
    assert.equal(ok.policy.writeOutsideScope, 'allow');
    assert.equal(ok.policy.approvalTimeoutSeconds, 30);
    assert.equal(ok.policy.readSecretFile, 'approve');
    const endpoint = { baseUrl: 'http://x/v1', model: 'm', apiKey: 'k', timeoutMs: 1, maxRetries: 0, headers: [] };
    assert.equal(buildRunOptions({ repo: '/r', specPath: '/r/s.md', endpoint, settings: ok, loomHome: '/h', extensionRoot: '/ext', mcpServers: [] }).policy, ok.policy);
    const bad = normalizeSettings((k) => (k === 'policy' ? { network: 'sometimes' } : undefined));
    assert.match(bad.policyError ?? '', /^the setting loom\.policy is not a valid Loom policy \(see docs\/policy\.md\):\n {2}network: must be "allow", "approve" or "deny"$/);
  });

  it('falls back to the defaults on wrong types and ranges', () => {
    const values: Record<string, unknown> = { concurrency: 0, 'budgets.taskTokens': 1.5, commandAllowlist: ['node', 3], lintCommand: '  ' };
    const s = normalizeSettings((k) => values[k]);
    assert.equal(s.concurrency, DEFAULT_RUN_SETTINGS.concurrency);
    assert.equal(s.taskTokens, DEFAULT_RUN_SETTINGS.budgets.taskTokens);
    assert.deepEqual(s.commandAllowlist, [...DEFAULT_RUN_SETTINGS.commandAllowlist]);
    assert.equal(s.lintCommand, null);
    assert.ok(!hasEndpoint(s));
  });

  it('builds the engine options with bundles inside the extension', () => {
    const settings = normalizeSettings(() => undefined);
    const endpoint = { baseUrl: 'http://x/v1', model: 'm', apiKey: 'k', timeoutMs: 1, maxRetries: 0, headers: [] };
    const options = buildRunOptions({ repo: '/r', specPath: '/r/s.md', endpoint, settings, loomHome: '/h', extensionRoot: '/ext', mcpServers: [] });
    assert.deepEqual(options.bundle, extensionBundlePaths('/ext'));
    assert.equal(options.bundle.agentWorker, '/ext/dist/workers/agentWorker.js');
    assert.equal(options.bundle.toolServer, '/ext/dist/tools/loomToolServer.js');
    assert.equal(options.confirmPlan, undefined);
    assert.equal(options.budgets.taskTokens, DEFAULT_RUN_SETTINGS.budgets.taskTokens);
    assert.equal(options.verifierModel, undefined);
    const withVerifier = buildRunOptions({ repo: '/r', specPath: '/r/s.md', endpoint, settings: { ...settings, verifierModel: 'judge' }, loomHome: '/h', extensionRoot: '/ext', mcpServers: [] });
    assert.equal(withVerifier.verifierModel, 'judge');
  });

  it('reads the hard limits and loom.prices (docs/budgets.md); a bad price table stops the run from starting, never a silent fallback', () => {
    const values: Record<string, unknown> = {
      'budgets.taskUsd': 2.5,
      'limits.runTokens': 1_000_000,
      'limits.runUsd': 20,
      'limits.agentUsd': 'lots',
      'limits.tokensPerMinute': 30_000,
      'limits.breaker.consecutiveFailures': 5,
      prices: { 'my-model': { input: 1, output: 2 } },
    };
    const s = normalizeSettings((k) => values[k]);
    assert.deepEqual(s.limits, { runTokens: 1_000_000, runUsd: 20, tokensPerMinute: 30_000, breaker: { consecutiveFailures: 5 } });
    const endpoint = { baseUrl: 'http://x/v1', model: 'm', apiKey: 'k', timeoutMs: 1, maxRetries: 0, headers: [] };
    const options = buildRunOptions({ repo: '/r', specPath: '/r/s.md', endpoint, settings: s, loomHome: '/h', extensionRoot: '/ext', mcpServers: [] });
    assert.equal(options.budgets.taskUsd, 2.5);
    assert.deepEqual(options.limits, s.limits);
    assert.deepEqual(options.prices, { 'my-model': { input: 1, output: 2 } });
    const bad = normalizeSettings((k) => (k === 'prices' ? { 'my-model': { input: -1, output: 2 } } : undefined));
    assert.match(bad.pricesError ?? '', /^the setting loom\.prices is not a valid price table \(see docs\/budgets\.md\):\n {2}my-model\.input: must be 0 or more$/);
    assert.throws(() => buildRunOptions({ repo: '/r', specPath: '/r/s.md', endpoint, settings: bad, loomHome: '/h', extensionRoot: '/ext', mcpServers: [] }), /loom\.prices/);
  });
});
