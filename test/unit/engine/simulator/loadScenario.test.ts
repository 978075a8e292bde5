import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario, parseScenario, ScenarioError } from '../../../../extension/engine/simulator/loadScenario';

const fixtures = join(__dirname, '../../../fixtures/scenarios');

async function rejection(promise: Promise<unknown>): Promise<ScenarioError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error;
  }
  assert.fail('expected a ScenarioError');
}

describe('loadScenario', () => {
  it('loads a valid scenario and applies defaults', async () => {
    const scenario = await loadScenario(join(fixtures, 'demo.json'));
    assert.equal(scenario.name, 'demo');
    assert.equal(scenario.chunkChars, 20);
    assert.equal(scenario.agents[1].turns[1].fault?.kind, 'rateLimit');
    assert.deepEqual(scenario.agents[0].turns[0].toolCalls?.[0].name, 'submit_plan');
  });

  it('rejects a bad file with its path and every zod issue path', async () => {
    const path = join(fixtures, 'invalid-fault.json');
    const error = await rejection(loadScenario(path));
    assert.ok(error.message.includes(path), error.message);
    assert.match(error.message, /agents\[0\]\.turns\[0\]\.fault\.kind/);
    assert.match(error.message, /agents\[0\]\.turns\[1\]: a turn needs at least one of/);
    assert.match(error.message, /unexpected/);
    assert.match(error.message, /docs\/scenarios\.md/);
  });

  it('rejects non-JSON and missing files with the path', async () => {
    const notJson = join(fixtures, 'not-json.json');
    assert.ok((await rejection(loadScenario(notJson))).message.includes(`${notJson}:\n  - not valid JSON`));
    const missing = join(fixtures, 'missing.json');
    assert.match((await rejection(loadScenario(missing))).message, /missing\.json:\n {2}- cannot read the file/);
  });

  it('rejects typos in turns (strict objects)', () => {
    assert.throws(() => parseScenario({ name: 'x', agents: [{ turns: [{ contnet: 'hi' }] }] }, 'inline'), /agents\[0\]\.turns\[0\]: .*contnet/s);
  });
});
