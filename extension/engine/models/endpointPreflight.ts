import OpenAI from 'openai';
import type { ModelEndpoint } from '../../protocol/workerMessages';
import { mapModelError } from './mapModelError';
import type { ModelError } from './modelProvider';

/** The endpoint cannot serve this run: unreachable, the key refused, or the model unknown. Says the URL and what to change. */
export class EndpointPreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointPreflightError';
  }
}

const NO_KEY = 'no-key';
/** Long enough for a cold local server, short enough that a wrong URL is said before a person gives up. */
const PREFLIGHT_TIMEOUT_MS = 15_000;

/**
 * Before anything is planned: one `GET /models` (or, where an endpoint does not list models, a
 * 1-token chat call) through the same SDK the agents use. Throws EndpointPreflightError when no
 * agent could ever get an answer; returns a warning when the endpoint answers but does not list the model.
 */
export async function preflightEndpoint(endpoint: ModelEndpoint): Promise<{ warning: string | null }> {
  const client = new OpenAI({
    baseURL: endpoint.baseUrl,
    apiKey: endpoint.apiKey || NO_KEY,
    timeout: Math.min(endpoint.timeoutMs, PREFLIGHT_TIMEOUT_MS),
    maxRetries: 0,
    defaultHeaders: Object.fromEntries(endpoint.headers),
    logLevel: 'off',
  });
  let listed: string[];
  try {
    const page = await client.models.list();
    listed = page.data.map((m) => m.id);
  } catch (thrown) {
    const error = mapModelError(thrown, undefined, Date.now(), endpoint.baseUrl);
    // Some OpenAI-compatible servers (and Azure deployments) do not list models: ask for one token instead.
    if (error.kind === 'badRequest' || error.kind === 'malformed') return chatPreflight(client, endpoint);
    if (busy(error)) return { warning: busyWarning(error, endpoint) };
    throw preflightError(error, endpoint);
  }
  const known = listed.some((id) => id === endpoint.model || id === `${endpoint.model}:latest` || id.endsWith(`/${endpoint.model}`));
  return {
    warning:
      listed.length && !known
        ? `model ${endpoint.model} is not among the ${listed.length} models ${endpoint.baseUrl} lists (${listed.slice(0, 5).join(', ')}${listed.length > 5 ? ', …' : ''}); if the first call fails, check --model or LOOM_MODEL`
        : null,
  };
}

async function chatPreflight(client: OpenAI, endpoint: ModelEndpoint): Promise<{ warning: string | null }> {
  try {
    await client.chat.completions.create({ model: endpoint.model, messages: [{ role: 'user', content: 'Reply with OK.' }], max_tokens: 1 });
    return { warning: null };
  } catch (thrown) {
    const error = mapModelError(thrown, undefined, Date.now(), endpoint.baseUrl);
    // A 4xx other than 404 means the server is there, knows the key and the model, and disliked the probe itself.
    if (error.kind === 'badRequest' && error.status !== 404) return { warning: null };
    if (busy(error)) return { warning: busyWarning(error, endpoint) };
    throw preflightError(error, endpoint);
  }
}

/** Busy or failing for now (429, 5xx): the server is there, and the run's retries wait for it. */
function busy(error: ModelError): boolean {
  return error.kind === 'rateLimited' || error.kind === 'server';
}

function busyWarning(error: ModelError, endpoint: ModelEndpoint): string {
  return `the model endpoint ${endpoint.baseUrl} answered the check with: ${error.message}; the run's calls retry with backoff`;
}

function preflightError(error: ModelError, endpoint: ModelEndpoint): EndpointPreflightError {
  switch (error.kind) {
    case 'auth':
      return new EndpointPreflightError(
        `the model endpoint ${endpoint.baseUrl} refused the API key (HTTP ${error.status ?? '401'}). Set LOOM_API_KEY (or OPENAI_API_KEY) to a key it accepts`,
      );
    case 'badRequest':
      return new EndpointPreflightError(
        `the model endpoint ${endpoint.baseUrl} does not serve model ${endpoint.model} (HTTP ${error.status ?? '?'}): ${error.message}. Check --model or LOOM_MODEL`,
      );
    case 'network':
    case 'timeout':
      return new EndpointPreflightError(
        `${error.kind === 'timeout' ? `the model endpoint at ${endpoint.baseUrl} did not answer: ` : ''}${error.message}. Check that the server is running and the URL (--base-url, LOOM_BASE_URL or the loom.model.baseUrl setting)`,
      );
    case 'rateLimited':
    case 'server':
    case 'malformed':
    case 'budget':
    case 'cancelled':
      return new EndpointPreflightError(`the model endpoint ${endpoint.baseUrl} is not usable: ${error.message}`);
  }
}
