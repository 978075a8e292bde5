import { existsSync } from 'node:fs';
import { replaceEach } from './redactReplace';
import { redactAssignments } from './secretAssignments';
import { COMBINED_SECRET_PATTERN, replaceSecretMatch } from './secretPatterns';

/** Environment variables whose values are secrets, by name. */
export const SECRET_ENV_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE/i;

/** Shorter values would redact ordinary words; real keys are longer. */
export const MIN_KNOWN_SECRET_LENGTH = 8;

export interface KnownSecret {
  value: string;
  /** Shown in the replacement: `[redacted:<label>]`. */
  label: string;
}

/**
 * The secret values in an environment: every variable whose name looks secret (`*KEY*`, `*TOKEN*`,
 * `*SECRET*`, `*PASSWORD*`, `*CREDENTIAL*`), at least 8 characters, and not a path to a file
 * (`GOOGLE_APPLICATION_CREDENTIALS=/etc/…`, `SSH_AUTH_SOCK`-like values name files, not secrets).
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): KnownSecret[] {
  const found: KnownSecret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < MIN_KNOWN_SECRET_LENGTH || !SECRET_ENV_NAME.test(name)) continue;
    if (value.startsWith('/') && existsSync(value)) continue;
    found.push({ value, label: `$${name}` });
  }
  return found;
}

export interface SecretRedactorOptions {
  /** Values that are secret wherever they appear (the configured API key, header tokens…). */
  secrets?: readonly (string | KnownSecret)[];
  /** Whose secret variables to redact; default process.env. Pass `{}` for none. */
  env?: NodeJS.ProcessEnv;
}

/**
 * One redaction pass for everything that leaves Loom's process for a journal, a model, a trace or
 * a log: the known secret values first, then private-key blocks and known key formats (OpenAI,
 * Anthropic, AWS, GitHub, Slack, Google, Stripe, JWT), credentials in URLs, and `.env`-style lines
 * whose name says secret or whose value is high-entropy. Each becomes `[redacted:<what>]`.
 */
export class SecretRedactor {
  private readonly known: RegExp | null;
  private readonly labels = new Map<string, string>();

  constructor(options: SecretRedactorOptions = {}) {
    const all = [
      ...(options.secrets ?? []).map((s) => (typeof s === 'string' ? { value: s, label: 'secret' } : s)),
      ...secretsFromEnv(options.env ?? process.env),
    ];
    for (const { value, label } of all) {
      const trimmed = value.trim();
      if (trimmed.length < MIN_KNOWN_SECRET_LENGTH) continue;
      // As written, and as it appears inside a JSON string (quotes and backslashes escaped).
      for (const form of new Set([trimmed, JSON.stringify(trimmed).slice(1, -1)])) {
        if (!this.labels.has(form)) this.labels.set(form, label);
      }
    }
    const values = [...this.labels.keys()].sort((a, b) => b.length - a.length);
    this.known = values.length ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : null;
  }

  /** Text with every secret replaced. */
  redact(text: string): string {
    if (text.length < MIN_KNOWN_SECRET_LENGTH) return text;
    let out = text;
    if (this.known) out = replaceEach(out, this.known, (m) => tag(this.labels.get(m[0]) ?? 'secret'));
    out = replaceEach(out, COMBINED_SECRET_PATTERN, (m, text) => replaceSecretMatch(m[0], m.slice(1), m.index, text, tag));
    return redactAssignments(out, tag);
  }

  /** A copy of plain data (an event, a message list) with every string redacted; unchanged parts are shared. */
  redactDeep<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const next = this.walk(value[i]);
        if (next !== value[i]) (copy ??= value.slice())[i] = next;
      }
      return copy ?? value;
    }
    if (value !== null && typeof value === 'object') {
      let copy: Record<string, unknown> | null = null;
      for (const [key, field] of Object.entries(value)) {
        const next = this.walk(field);
        if (next !== field) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
      }
      return copy ?? value;
    }
    return value;
  }
}

function tag(label: string): string {
  return `[redacted:${label}]`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
