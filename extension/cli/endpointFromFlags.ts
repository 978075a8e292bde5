import { resolve } from 'node:path';
import type { ModelEndpoint } from '../protocol/workerMessages';
import { resolveModelEndpoint } from '../engine/models/modelConfig';
import { loadScenario } from '../engine/simulator/loadScenario';
import { startSimulator, type Simulator } from '../engine/simulator/simulatorServer';

/** The simulator needs no key; this placeholder is not secret-shaped, so nothing gets redacted by mistake. */
export const SIMULATOR_KEY = 'no-key-needed-for-the-simulator';

/** The model endpoint from --simulate (starts the simulator in-process) or --base-url/--model and the environment. */
export async function endpointFromFlags(
  flags: { simulate?: string; baseUrl?: string; model?: string },
  print: (line: string) => void,
): Promise<{ endpoint: ModelEndpoint; simulator: Simulator | null }> {
  if (flags.simulate) {
    const simulator = await startSimulator({ scenario: await loadScenario(resolve(flags.simulate)) });
    print(`Model simulator (scenario "${simulator.scenario.name}") at ${simulator.url}`);
    return {
      endpoint: { baseUrl: simulator.url, model: simulator.scenario.model, apiKey: SIMULATOR_KEY, timeoutMs: 30_000, maxRetries: 3, headers: [] },
      simulator,
    };
  }
  return { endpoint: resolveModelEndpoint({ flags: { baseUrl: flags.baseUrl, model: flags.model }, env: process.env }), simulator: null };
}
