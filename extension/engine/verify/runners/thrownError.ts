import { stripVTControlCharacters } from 'node:util';
import { splitErrorLine } from './failureKind';

// Node's uncaught-error print, possibly inside TAP comments ("# Error: ...") or mocha's
// " Exception during run: Error: ..." line.
const THROWN = /^(?:#\s*)?(?:\s*Exception during run: )?((?:Uncaught )?(?:[A-Z][\w$]*(?:Error|Exception)|Error)(?: \[\w+\])?: .*)$/;

/**
 * The first uncaught error printed in text, one line: "Error: Cannot find module '../build/x.cjs'".
 * Used for runs that died before their runner could report anything.
 */
export function findThrownError(text: string): { errorName?: string; message: string; line: string } | undefined {
  for (const raw of stripVTControlCharacters(text).split('\n')) {
    const m = THROWN.exec(raw);
    if (m) return { ...splitErrorLine(m[1]), line: m[1].trim() };
  }
  return undefined;
}
