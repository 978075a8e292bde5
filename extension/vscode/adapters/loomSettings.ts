import { DEFAULT_RUN_SETTINGS } from '../../engine/run/runOptions';

/** Loom's settings, validated; the API key is never a setting (SecretStorage). */
export interface LoomSettings {
  baseUrl: string;
  model: string;
  concurrency: number;
  taskTokens: number;
  commandAllowlist: string[];
  verifierModel: string;
  lintCommand: string[] | null;
}

/** Reads one setting; the VS Code adapter passes `workspace.getConfiguration('loom').get`. */
export type SettingGetter = (key: string) => unknown;

/** Settings with wrong types or ranges fall back to the defaults, never to a crash. */
export function normalizeSettings(get: SettingGetter): LoomSettings {
  const str = (key: string) => {
    const v = get(key);
    return typeof v === 'string' ? v.trim() : '';
  };
  const int = (key: string, fallback: number, min: number) => {
    const v = get(key);
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fallback;
  };
  const allow = get('commandAllowlist');
  const lint = str('lintCommand');
  return {
    baseUrl: str('model.baseUrl'),
    model: str('model.name'),
    concurrency: int('concurrency', DEFAULT_RUN_SETTINGS.concurrency, 1),
    taskTokens: int('budgets.taskTokens', DEFAULT_RUN_SETTINGS.budgets.taskTokens, 1),
    commandAllowlist:
      Array.isArray(allow) && allow.every((a) => typeof a === 'string' && a.trim()) ? allow.map((a: string) => a.trim()) : [...DEFAULT_RUN_SETTINGS.commandAllowlist],
    verifierModel: str('verifier.model'),
    lintCommand: lint ? lint.split(/\s+/).filter(Boolean) : null,
  };
}

export function hasEndpoint(settings: LoomSettings): boolean {
  return settings.baseUrl !== '' && settings.model !== '';
}
