/**
 * The JSON document a reporter printed, found by how it starts: tests' own console output can
 * come before it (mocha writes both to stdout), npm prints its "> script" header first.
 */
export function jsonInOutput(text: string, start: RegExp): unknown {
  const m = start.exec(text);
  if (!m) return undefined;
  const from = text.slice(m.index);
  // Try the rest of the output, then shorter prefixes ending at a closing brace (a few: output
  // after the document is short, a reporter's last word).
  let tries = 0;
  for (let end = from.lastIndexOf('}'); end > 0 && tries < 20; end = from.lastIndexOf('}', end - 1), tries++) {
    try {
      return JSON.parse(from.slice(0, end + 1)) as unknown;
    } catch {
      // not yet the end of the document
    }
  }
  return undefined;
}
