import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { stripJsonComments } from '../tools/mcpConfig';

/** A config file's JSON (comments and trailing commas allowed); `fail` makes the error that names the file. */
export function readJsonConfigFile(file: string, what: string, fail: (message: string) => Error): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw fail(`cannot read the ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return JSON.parse(stripJsonComments(text));
  } catch (err) {
    throw fail(`the ${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Each problem zod found, as `where: what` for people (no stack, no internals). */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const where = i.path.length ? i.path.map(String).join('.') : '(top level)';
    if (i.code === 'unrecognized_keys') return `${where}: unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    // A record key that fails its schema: say why, not just that it is invalid.
    if (i.code === 'invalid_key') return `${where}: ${i.issues[0]?.message ?? i.message}`;
    return `${where}: ${i.message}`;
  });
}
