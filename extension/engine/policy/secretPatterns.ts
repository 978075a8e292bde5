/**
 * Known secret formats, each a regular expression source with a label; the label becomes the
 * replacement `[redacted:<label>]`. Formats follow the issuers' documented prefixes (the ones
 * gitleaks and secretlint detect). All of them run as one combined expression, one pass over the
 * text: a pass per format costs more in scanning than in matching.
 */
export interface SecretPattern {
  label: string;
  /** No capturing groups: the combined expression numbers one group per pattern. */
  source: string;
  /**
   * The match must not follow a token character (letter, digit, `_`, `-`), so `sk-` inside
   * `task-list` does not fire. Checked by the caller, not by a leading lookbehind, which would
   * stop the engine from skipping ahead to the pattern's first literal.
   */
  boundary: 'token' | 'upper' | 'scheme' | 'none';
}

/** Not followed by a token character. */
const E = '(?![A-Za-z0-9_-])';

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    // The whole block, header to footer; an unterminated block (cut-off output) up to where its
    // base64 ends. A header with no key material after it (`-----BEGIN PRIVATE KEY----- ...` in docs) stays.
    label: 'private-key',
    source:
      '-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----(?=[\\s\\S]{0,200}?[A-Za-z0-9+/]{32})(?:[\\s\\S]*?-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\\s\\\\:,-]*)',
    boundary: 'none',
  },
  { label: 'anthropic-key', source: `sk-ant-(?:api|admin|oat|sid)?[A-Za-z0-9_-]{20,}${E}`, boundary: 'token' },
  // sk-, sk-proj-, sk-svcacct-, sk-admin-: long, and with a digit, so kebab-case words never match.
  { label: 'openai-key', source: `sk-(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{20,}${E}`, boundary: 'token' },
  { label: 'stripe-key', source: `[sr]k_(?:live|test)_[A-Za-z0-9]{16,}${E}`, boundary: 'token' },
  { label: 'aws-access-key-id', source: 'A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}(?![A-Z0-9])', boundary: 'upper' },
  { label: 'github-token', source: `gh[pousr]_[A-Za-z0-9]{30,}${E}|github_pat_[A-Za-z0-9_]{22,}${E}`, boundary: 'token' },
  { label: 'slack-token', source: `xox[abprse]-[A-Za-z0-9-]{10,}${E}`, boundary: 'token' },
  { label: 'slack-webhook', source: 'https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_+-]+', boundary: 'none' },
  { label: 'google-api-key', source: `AIza[0-9A-Za-z_-]{35}${E}`, boundary: 'token' },
  // header.payload.signature, the first two base64url JSON objects (`{"` encodes as `eyJ`).
  { label: 'jwt', source: 'eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}', boundary: 'token' },
  // A URL with `user:password@` after its `://`: the password goes (the caller keeps `://user:`), user and host stay readable.
  { label: 'password', source: ':\\/\\/[^/\\s:@"\'`<>]{1,128}:[^/\\s@"\'`<>]{1,256}@', boundary: 'scheme' },
];

const PRECEDING: Record<SecretPattern['boundary'], RegExp | null> = {
  token: /[A-Za-z0-9_-]/,
  upper: /[A-Z0-9]/,
  scheme: null,
  none: null,
};

/** One global expression: group i + 1 is SECRET_PATTERNS[i]. */
export const COMBINED_SECRET_PATTERN = new RegExp(SECRET_PATTERNS.map((p) => `(${p.source})`).join('|'), 'g');

/** The replacement for one match of COMBINED_SECRET_PATTERN, or the match itself when its boundary rules it out. */
export function replaceSecretMatch(match: string, groups: readonly unknown[], offset: number, text: string, tag: (label: string) => string): string {
  const index = groups.findIndex((g) => g !== undefined);
  const pattern = SECRET_PATTERNS[index];
  if (!pattern) return match;
  const before = text.charAt(offset - 1);
  const rule = PRECEDING[pattern.boundary];
  if (rule && before && rule.test(before)) return match;
  if (pattern.boundary === 'scheme') {
    if (!/[A-Za-z0-9]/.test(before)) return match;
    return `${match.slice(0, match.indexOf(':', 3) + 1)}${tag(pattern.label)}@`;
  }
  return tag(pattern.label);
}
