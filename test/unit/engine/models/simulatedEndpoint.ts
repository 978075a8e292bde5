import type { ModelEndpoint } from '../../../../extension/protocol/workerMessages';
import type { Simulator } from '../../../../extension/engine/simulator/simulatorServer';

/** An endpoint pointing at a running simulator, as the agent with these x-loom-* headers. */
export function simulatedEndpoint(
  sim: Simulator,
  agent: { agentId: string; role: string; taskId?: string; attempt?: number },
  overrides: Partial<ModelEndpoint> = {},
): ModelEndpoint {
  const headers: Array<[string, string]> = [
    ['x-loom-agent', agent.agentId],
    ['x-loom-role', agent.role],
  ];
  if (agent.taskId) headers.push(['x-loom-task', agent.taskId]);
  if (agent.attempt !== undefined) headers.push(['x-loom-attempt', String(agent.attempt)]);
  return { baseUrl: sim.url, model: sim.scenario.model, apiKey: 'test-key', timeoutMs: 5000, maxRetries: 3, headers, ...overrides };
}
