import assert from 'node:assert/strict';
import { isDemoScenario, rememberChoice, rememberedChoice, type ChoiceState } from '../../../../extension/vscode/adapters/modelChoice';

/** A workspace state in memory, as vscode.Memento keeps it. */
function memento(initial: Record<string, unknown> = {}): ChoiceState & { values: Record<string, unknown> } {
  const values = { ...initial };
  return { values, get: (key) => values[key], update: async (key, value) => void (values[key] = value) };
}

describe('vscode/adapters/modelChoice', () => {
  it('remembers each kind of choice in the workspace state and reads it back', async () => {
    for (const choice of [{ kind: 'endpoint' }, { kind: 'simulator' }, { kind: 'simulator', scenarioPath: '/w/sc.json' }, { kind: 'languageModel', id: 'copilot-gpt' }] as const) {
      const state = memento();
      await rememberChoice(state, choice);
      assert.deepEqual(rememberedChoice(state), choice);
    }
  });

  it('treats nothing stored, or something that is not a choice, as no choice (the picker comes)', () => {
    assert.equal(rememberedChoice(memento()), undefined);
    for (const stored of ['simulator', { kind: 'cloud' }, { kind: 'simulator', scenarioPath: '' }, { kind: 'endpoint', baseUrl: 'http://x' }, null]) {
      assert.equal(rememberedChoice(memento({ 'loom.modelChoice': stored })), undefined, JSON.stringify(stored));
    }
  });

  it('gives the demo limits and policy only to the bundled demo scenarios, not to a scenario of the person\'s', () => {
    const demo = '/ext/examples/demo';
    assert.ok(isDemoScenario(demo, undefined));
    assert.ok(isDemoScenario(demo, '/ext/examples/demo/scenario-merge-fails.json'));
    assert.ok(!isDemoScenario(demo, '/home/me/repo/scenario.json'));
    assert.ok(!isDemoScenario(demo, '/ext/examples/demo-copy/scenario.json'));
    assert.ok(!isDemoScenario(demo, demo));
  });
});
