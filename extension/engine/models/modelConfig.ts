import type { ModelEndpoint } from '../../protocol/workerMessages';

export const defaultModelTimeoutMs = 60_000;
export const defaultModelMaxRetries = 3;

/** How to configure a model, shown whenever none (or a broken one) is configured. */
export const modelConfigurationHelp = [
  'Configure an OpenAI-compatible model endpoint in one of these ways:',
  '  • flags:       --base-url URL --model NAME   (e.g. --base-url http://127.0.0.1:11434/v1 --model qwen2.5-coder)',
  '  • environment: LOOM_BASE_URL=URL LOOM_MODEL=NAME',
  '  • API key:     LOOM_API_KEY (or OPENAI_API_KEY) in the environment; never in flags or files',
  '  • or run against the model simulator: --simulate SCENARIO.json (see docs/scenarios.md)',
].join('\n');

/** No usable model endpoint: the message says what is missing and exactly how to fix it. */
export class ModelNotConfiguredError extends Error {
  constructor(
    readonly problems: readonly string[],
  ) {
    super(`No model is configured: ${problems.join('; ')}.\n${modelConfigurationHelp}`);
    this.name = 'ModelNotConfiguredError';
  }
}

export interface ModelConfigInput {
  flags: { baseUrl?: string; model?: string; timeoutMs?: number; maxRetries?: number };
  env: Readonly<Record<string, string | undefined>>;
  /** Extra request headers (the simulator's x-loom-agent and friends are added per agent). */
  headers?: Array<[string, string]>;
}

/**
 * The model endpoint from CLI flags and the environment. Flags win over LOOM_BASE_URL and
 * LOOM_MODEL; the API key is read from LOOM_API_KEY, then OPENAI_API_KEY, and nowhere else.
 * A key may be absent only for a loopback endpoint (a local server such as Ollama).
 */
export function resolveModelEndpoint(input: ModelConfigInput): ModelEndpoint {
  const { flags, env } = input;
  const baseUrl = nonEmpty(flags.baseUrl) ?? nonEmpty(env.LOOM_BASE_URL);
  const model = nonEmpty(flags.model) ?? nonEmpty(env.LOOM_MODEL);
  const apiKey = nonEmpty(env.LOOM_API_KEY) ?? nonEmpty(env.OPENAI_API_KEY) ?? '';
  const problems: string[] = [];
  if (!baseUrl) problems.push('no base URL (--base-url or LOOM_BASE_URL)');
  if (!model) problems.push('no model name (--model or LOOM_MODEL)');
  let url: URL | undefined;
  if (baseUrl) {
    try {
      url = new URL(baseUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        problems.push(`base URL "${baseUrl}" must be http:// or https://`);
      }
    } catch {
      problems.push(`base URL "${baseUrl}" is not a valid URL`);
    }
  }
  if (url && !apiKey && !isLoopback(url.hostname)) {
    problems.push(`no API key for ${url.host} (set LOOM_API_KEY or OPENAI_API_KEY; any value works for a server that needs none)`);
  }
  const timeoutMs = flags.timeoutMs ?? defaultModelTimeoutMs;
  const maxRetries = flags.maxRetries ?? defaultModelMaxRetries;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) problems.push(`timeout ${timeoutMs} must be a positive whole number of ms`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) problems.push(`max retries ${maxRetries} must be a whole number ≥ 0`);
  if (problems.length > 0 || !baseUrl || !model) throw new ModelNotConfiguredError(problems);
  return { baseUrl, model, apiKey, timeoutMs, maxRetries, headers: input.headers ?? [] };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || host === '0.0.0.0' || /^127\./.test(host) || host.endsWith('.localhost');
}
