import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runSimulatorCommand } from '../../../../extension/engine/simulator/runSimulatorCommand';
import { ScenarioError } from '../../../../extension/engine/simulator/loadScenario';

const fixtures = join(__dirname, '../../../fixtures/scenarios');

describe('runSimulatorCommand', () => {
  it('serves a scenario file, prints its URL, and stops on abort', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    let url = '';
    const running = runSimulatorCommand({
      scenarioPath: join(fixtures, 'demo.json'),
      port: 0,
      signal: stop.signal,
      print: (line) => {
        lines.push(line);
        url ||= /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(line)?.[1] ?? '';
      },
    });
    while (!url) await new Promise((r) => setTimeout(r, 10));
    const models = (await (await fetch(`${url}/models`)).json()) as { data: Array<{ id: string }> };
    assert.equal(models.data[0].id, 'loom-sim-1');
    stop.abort();
    await running;
    assert.match(lines[0], /scenario "demo"/);
    assert.match(lines[1], /--base-url http:\/\/127\.0\.0\.1:\d+\/v1 --model loom-sim-1/);
    assert.match(lines.at(-1) ?? '', /stopped/);
    await assert.rejects(fetch(`${url}/models`), 'no longer listening');
  });

  it('stops on SIGTERM and removes its signal handlers', async () => {
    const before = process.listenerCount('SIGTERM');
    let started = false;
    const running = runSimulatorCommand({ scenarioPath: join(fixtures, 'demo.json'), print: () => (started = true) });
    while (!started) await new Promise((r) => setTimeout(r, 10));
    process.emit('SIGTERM');
    await running;
    assert.equal(process.listenerCount('SIGTERM'), before);
  });

  it('rejects a bad scenario file with a ScenarioError', async () => {
    await assert.rejects(runSimulatorCommand({ scenarioPath: join(fixtures, 'invalid-fault.json'), print: () => undefined }), ScenarioError);
  });
});
