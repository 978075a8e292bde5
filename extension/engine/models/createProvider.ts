import type { ModelEndpoint } from '../../protocol/workerMessages';
import type { ModelProvider } from './modelProvider';
import { BudgetedProvider } from './budgetedProvider';
import { OpenAiProvider } from './openaiProvider';
import { RelayProvider, type AskHost } from './relayProvider';

/**
 * An agent's model client — its own OpenAI-compatible client, or the relay to a model the host
 * holds — behind the agent's hard token budget, which every call of every role goes through.
 */
export function createProvider(endpoint: ModelEndpoint, askHost: AskHost | undefined, budgetTokens: number): BudgetedProvider {
  return new BudgetedProvider(clientFor(endpoint, askHost), budgetTokens);
}

function clientFor(endpoint: ModelEndpoint, askHost: AskHost | undefined): ModelProvider {
  if (!endpoint.relay) return new OpenAiProvider(endpoint);
  if (!askHost) throw new Error('this endpoint is answered by the host, but the agent has no way to reach it');
  return new RelayProvider(endpoint.model, askHost);
}
