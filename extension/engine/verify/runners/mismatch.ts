function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return (text ?? String(value)).trim();
}

/** "expected 2, actual 3" from an assertion's expected and actual values, as the runner printed them. */
export function describeMismatch(expected: unknown, actual: unknown): string {
  return `expected ${show(expected)}, actual ${show(actual)}`;
}

/** Expected and actual from a unified diff (node-tap prints one instead of the values); undefined when long. */
export function mismatchFromDiff(diff: string): string | undefined {
  const lines = diff.split('\n');
  const removed = lines.filter((l) => l.startsWith('-') && !l.startsWith('---')).map((l) => l.slice(1));
  const added = lines.filter((l) => l.startsWith('+') && !l.startsWith('+++')).map((l) => l.slice(1));
  if (removed.length === 0 || added.length === 0 || removed.length + added.length > 6) return undefined;
  return describeMismatch(removed.join(' '), added.join(' '));
}
