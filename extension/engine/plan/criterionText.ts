/**
 * Word-level text comparison for plan coverage: is a quoted criterion the spec's criterion, and
 * does a task's text share any content word with a requirement. Deliberately simple and
 * deterministic: lowercase words, a light suffix stem, set overlap.
 */

/** A quote counts as the spec's criterion when the Dice coefficient of their word sets reaches this. */
export const QUOTE_SIMILARITY = 0.7;

/** Function words and path noise: never evidence that two texts are about the same thing. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can do does each for from has have if in into is it its must ' +
    'no not of on or should so that the their then there these this those to was were when which while ' +
    'will with without you your src lib test js ts mjs cjs jsx tsx json md index'
  ).split(' '),
);

/** Lowercase words of letters and digits (`sum([])` → `sum`), each lightly stemmed. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).map(stem);
}

/** The words that carry meaning: no function words, no bare numbers, no single letters. */
export function contentWords(text: string): Set<string> {
  return new Set(words(text).filter((w) => w.length > 1 && !/^\d+$/.test(w) && !STOP_WORDS.has(w)));
}

/**
 * Dice coefficient of the two texts' word sets: 1 for the same words, 0 for none in common. A
 * `(test \`…\`)` note naming the test file (docs/spec-format.md) is not part of what is claimed.
 */
export function quoteSimilarity(a: string, b: string): number {
  const x = new Set(words(withoutTestNote(a)));
  const y = new Set(words(withoutTestNote(b)));
  if (x.size === 0 && y.size === 0) return 1;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return (2 * shared) / (x.size + y.size);
}

/** Whether any content word of `a` matches one of `b` (same stem, or a common prefix of 5+ letters). */
export function shareContentWord(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) {
    if (b.has(x)) return true;
    if (x.length < 5) continue;
    for (const y of b) if (y.length >= 5 && x.slice(0, 5) === y.slice(0, 5)) return true;
  }
  return false;
}

function withoutTestNote(text: string): string {
  return text.replace(/\(\s*tests?\s[^)]*\)/gi, ' ');
}

function stem(w: string): string {
  for (const suffix of ['ing', 'ed', 's']) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix) && !w.endsWith('ss')) return w.slice(0, -suffix.length);
  }
  return w;
}
