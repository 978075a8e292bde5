/**
 * The one rule for every subprocess Loom starts (MCP servers, test and lint commands): it inherits
 * only these variables, so API keys and other secrets in Loom's environment never reach it.
 */
export const INHERITED_ENV_VARS = ['PATH', 'HOME', 'LANG'] as const;

export function subprocessEnv(extra: ReadonlyArray<readonly [string, string]> = [], source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV_VARS) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  for (const [key, value] of extra) env[key] = value;
  return env;
}
