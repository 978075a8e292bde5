import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { runSimulatorCommand } from '../engine/simulator/runSimulatorCommand';
import { UsageError } from './usageError';

/** `loom simulate --scenario F --port N`: the model simulator alone, until Ctrl+C. */
export async function simulateCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { scenario: { type: 'string' }, port: { type: 'string' } }, strict: true });
  if (!values.scenario) throw new UsageError('needs --scenario FILE (see docs/scenarios.md)');
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not "${values.port}"`);
  await runSimulatorCommand({ scenarioPath: resolve(values.scenario), port, print });
  return 0;
}
