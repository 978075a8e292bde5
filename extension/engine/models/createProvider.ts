import type { ModelEndpoint } from '../../protocol/workerMessages';
import type { ModelProvider } from './modelProvider';
import { BudgetedProvider, DEFAULT_MAX_OUTPUT_TOKENS } from './budgetedProvider';
import type { ModelGate } from './modelGate';
import { OpenAiProvider } from './openaiProvider';
import { RelayProvider, type AskHost } from './relayProvider';

/**
 * An agent's model client — its own OpenAI-compatible client, or the relay to a model the host
 * holds — behind the agent's hard token budget and the run's gate, which every call of every role
 * goes through.
 */
export function createProvider(
  endpoint: ModelEndpoint,
  ctx: { askHost?: AskHost; gate?: ModelGate },
  budgetTokens: number,
  /** Told each time a request leaves for the model (to the endpoint, or to the host). */
  onRequest?: () => void,
): BudgetedProvider {
  return new BudgetedProvider(clientFor(endpoint, ctx.askHost, onRequest), budgetTokens, DEFAULT_MAX_OUTPUT_TOKENS, ctx.gate);
}

function clientFor(endpoint: ModelEndpoint, askHost: AskHost | undefined, onRequest: (() => void) | undefined): ModelProvider {
  if (!endpoint.relay) return new OpenAiProvider(endpoint, { onRequest });
  if (!askHost) throw new Error('this endpoint is answered by the host, but the agent has no way to reach it');
  const ask: AskHost = (request) => {
    onRequest?.();
    return askHost(request);
  };
  return new RelayProvider(endpoint.model, ask);
}
