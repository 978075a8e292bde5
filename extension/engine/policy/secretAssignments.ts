import { replaceEach } from './redactReplace';

/**
 * Secrets by position rather than by format: the value of a `.env`/ini/YAML line
 * (`NAME=value`, `name: value`) or a JSON member (`"name": "value"`) whose name says it is a
 * secret, or whose value is random enough to be one. Written to leave source code alone:
 * `apiKey: options.apiKey,`, `token: string;` and `x = f(y)` are not literals.
 */

/** `*_KEY`, `*_TOKEN`, `*_SECRET`, `PASSWORD`, … in any case style (`apiKey`, `api-key`, `API_KEY`). */
export function isSecretName(name: string): boolean {
  const n = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .replace(/[.-]/g, '_');
  if (/(?:^|_)(?:PUBLIC|PUBLISHABLE|PRIMARY|FOREIGN|SORT|PARTITION|CACHE|IDEMPOTENCY|MAX|MIN)_(?:KEY|TOKENS?)$/.test(n)) return false;
  return (
    /(?:^|_)(?:KEY|APIKEY|TOKEN|SECRET|PASSWORD|PASSWD|PWD|PASSPHRASE|CREDENTIALS?|PAT)$/.test(n) ||
    /SECRET|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|ACCESS_KEY|AUTH_TOKEN|ACCESS_TOKEN|REFRESH_TOKEN/.test(n)
  );
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const MEMBER_EXPRESSION = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const REFERENCE = /^(?:\$\{?[A-Za-z_]\w*\}?|%[A-Za-z_]\w*%|process\.env\b.*|os\.environ\b.*)$/;
const NOT_SECRET = /^(?:true|false|null|none|undefined|yes|no|on|off|string|number|boolean|changeme|\*+|x+)$/i;
const VERSION_OR_SPECIFIER = /^(?:[~^<>=v* ]*\d+(?:\.[\dx*]+)+\S*|(?:npm|file|link|workspace|git\+\w+|github|catalog):.*)$/;

/** Made of words (`InternalEncoderBase64`, `_initCache`, `my-service-name`), not random characters. */
export function looksLikeWords(value: string): boolean {
  const runs = value.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g);
  if (!runs) return false;
  const chars = runs.reduce((n, run) => n + run.length, 0);
  return chars / runs.length >= 3;
}

/** Random-looking: long enough, no spaces, not words, digits or both cases mixed in. */
function looksRandom(value: string, minLength: number): boolean {
  if (value.length < minLength || /\s/.test(value) || looksLikeWords(value)) return false;
  return /[0-9]/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value));
}

/** A path (`/etc/passwd`, `./dist/x`, `dist/es5/a.d.ts`), but not base64 that happens to start with a slash. */
function looksLikePath(value: string): boolean {
  if (/^(?:\.{1,2}|~)\//.test(value)) return true;
  if (value.includes('/') && /\.[A-Za-z]{1,5}$/.test(value)) return true;
  return value.startsWith('/') && (value.match(/\//g) ?? []).length >= 2 && !/[+=\s]/.test(value);
}

/**
 * Minimum length and entropy (bits per character) for a value to be taken as random whatever its
 * name. Random base62 reaches about 4.0 bits at 20 characters and 4.5 at 32; random hex about 3.7
 * at 40 (its ceiling is 4), hence a lower bar for hex. Words and identifiers stay below.
 */
export const HIGH_ENTROPY = { minLength: 20, minHexLength: 32, bits: 3.7, shortBits: 3.4, hexBits: 3.2 } as const;

/** Random-looking: long, letters and digits mixed, high entropy; not a path, URL, UUID, identifier or commit hash. */
export function isHighEntropy(value: string, name = ''): boolean {
  if (value.length < HIGH_ENTROPY.minLength || !/^[A-Za-z0-9+/=_.~-]+$/.test(value)) return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  if (/^(?:sha\d+|md5)[-:]/i.test(value) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return false;
  if (/^[0-9a-f]+$/i.test(value)) {
    if (value.length < HIGH_ENTROPY.minHexLength || /SHA|COMMIT|HASH|REV|REF|DIGEST|CHECKSUM|INTEGRITY|HEAD|BASE|ETAG/i.test(name)) return false;
    return shannonEntropy(value) >= HIGH_ENTROPY.hexBits;
  }
  if (looksLikePath(value) || MEMBER_EXPRESSION.test(value) || looksLikeWords(value)) return false;
  return shannonEntropy(value) >= (value.length < 32 ? HIGH_ENTROPY.shortBits : HIGH_ENTROPY.bits);
}

/** Code names things in camelCase (`apiKey`, `this.secretKey`); configuration in UPPER_SNAKE, snake_case or plain words. */
function isCodeStyleName(name: string): boolean {
  return /[a-z][A-Z]/.test(name.slice(name.lastIndexOf('.') + 1));
}

/**
 * Is `value` (quotes already removed) a literal secret assigned to a secret-named key?
 * `quoted` and the name's style tell code (`token: string`, `key: "_initCache"`) from config.
 */
function isSecretLiteral(name: string, value: string, quoted: boolean): boolean {
  if (value.length < 6 || value.startsWith('[redacted')) return false;
  if (REFERENCE.test(value) || NOT_SECRET.test(value) || VERSION_OR_SPECIFIER.test(value) || looksLikePath(value)) return false;
  // In code, a secret-named field holds a literal only when it looks random; `key` alone names anything.
  if (isCodeStyleName(name) || /^keys?$/i.test(name.slice(name.lastIndexOf('.') + 1))) return looksRandom(value, 8);
  if (quoted) return true;
  if (MEMBER_EXPRESSION.test(value) && !/\d/.test(value)) return false;
  if (IDENTIFIER.test(value) && !/\d/.test(value) && !/^[A-Z][A-Z0-9_]*$/.test(name)) return looksRandom(value, 8);
  return true;
}

// `export NAME=value`, `name = value` (ini), `name: value` (YAML): one whole line each. An unquoted
// value has no spaces or code punctuation; a quoted one is one string to the end of the line.
const LINE =
  /^([ \t]*(?:export[ \t]+|-[ \t]+)?["']?)([A-Za-z_][A-Za-z0-9_.-]{0,127})(["']?[ \t]*(?:=|:[ \t])[ \t]*)(?:"([^"]*)"|'([^']*)'|([^\s"'`;(){}[\]<>,=]+))([ \t]*,?(?:[ \t]+#.*)?)(\r?)$/;
// `"name": "value"` anywhere, e.g. a JSON document on one line.
// No space before the colon: `cond ? 'a-secret' : 'b'` is code, not a member.
const JSON_MEMBER = /(["'])([A-Za-z_][A-Za-z0-9_.-]{0,127})\1(:\s*)(["'])([^"'\n\\]{6,})\4/g;

/** The line with its value redacted, or null when it is not a secret assignment. */
function redactLine(line: string, replacement: (label: string) => string): string | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const [, lead = '', name = '', sep = '', dq, sq, bare, tail = '', cr = ''] = m;
  // `a: b,` is code or JSON: a bare value is an expression, a quoted one made of words is a constant.
  if (tail.includes(',') && sep.includes(':') && (bare !== undefined || looksLikeWords(dq ?? sq ?? ''))) return null;
  if (bare !== undefined && name.includes('.') && !/^[a-z0-9_.-]+$/.test(name)) return null;
  const value = dq ?? sq ?? bare ?? '';
  const named = isSecretName(name);
  const secret = named ? isSecretLiteral(name, value, bare === undefined) : !isCodeStyleName(name) && isHighEntropy(value, name);
  if (!secret) return null;
  const q = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
  return `${lead}${name}${sep}${q}${replacement(named ? 'secret-assignment' : 'high-entropy')}${q}${tail}${cr}`;
}

// Where a line like that starts, found in one pass over the text; LINE then decides on the line.
const LINE_START = '[ \\t]*(?:export[ \\t]+|-[ \\t]+)?["\']?[A-Za-z_][A-Za-z0-9_.-]{0,127}["\']?[ \\t]*(?:=|:[ \\t])';
// A line ends at a newline, or at an escaped one (`\n` inside a JSON string).
const LINE_REST = '[^\\n\\\\]*(?:\\\\(?![nr])[^\\n\\\\]*)*';
const CANDIDATE = new RegExp(`^${LINE_START}${LINE_REST}`, 'gm');
// Inside a JSON string (a tool call's arguments, a journaled event), a line also starts after an
// escaped newline or at the string's start. Starting on a literal keeps the scan fast.
const ESCAPED_CANDIDATE = new RegExp(`(\\\\[nr]|":")(${LINE_START}${LINE_REST})`, 'g');

export function redactAssignments(text: string, replacement: (label: string) => string): string {
  let out = replaceEach(text, CANDIDATE, (m) => redactLine(m[0], replacement) ?? m[0]);
  if (out.includes('\\n') || out.includes('\\r') || out.includes('":"')) {
    out = replaceEach(out, ESCAPED_CANDIDATE, ([whole, start = '', line = '']) => {
      const redacted = redactLine(line, replacement);
      return redacted === null ? whole : start + redacted;
    });
  }
  if (out.includes('":') || out.includes("':")) {
    out = replaceEach(out, JSON_MEMBER, ([whole, q1, name, sep, q2, value]) =>
      isSecretName(name!) && isSecretLiteral(name!, value!, true) ? `${q1}${name}${q1}${sep}${q2}${replacement('secret-assignment')}${q2}` : whole,
    );
  }
  return out;
}
