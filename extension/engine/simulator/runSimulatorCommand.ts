import { loadScenario } from './loadScenario';
import { startSimulator } from './simulatorServer';

export interface RunSimulatorCommandOptions {
  scenarioPath: string;
  port?: number;
  host?: string;
  /** Where lines are printed; default stdout. */
  print?: (line: string) => void;
  /** Stops the simulator too (besides SIGINT/SIGTERM); for tests and embedding. */
  signal?: AbortSignal;
}

/**
 * `loom simulate --scenario F --port N`: serves the scenario until SIGINT or SIGTERM, then closes
 * every connection and resolves. Rejects with a ScenarioError for a bad file.
 */
export async function runSimulatorCommand(options: RunSimulatorCommandOptions): Promise<void> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const scenario = await loadScenario(options.scenarioPath);
  const simulator = await startSimulator({ scenario, port: options.port, host: options.host });
  print(`Loom model simulator: scenario "${scenario.name}" (${scenario.agents.length} agent scripts) at ${simulator.url}`);
  print(`Use it with: --base-url ${simulator.url} --model ${scenario.model}   (Ctrl+C to stop)`);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      options.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
  });
  await simulator.close();
  print(`Loom model simulator stopped after ${simulator.requests.length} requests.`);
}
