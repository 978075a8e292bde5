import { kindOf, withoutStack } from './failureKind';
import { describeMismatch } from './mismatch';
import type { TestFailure } from './testReport';

// ava wraps what a test throws or rejects with in its own AssertionError; the value is in the details.
const WRAPPED = /^(Error thrown in test|Rejected promise returned by test)$/;
// A thrown value as ava formats it: "TypeError {\n  message: 'lib.mul is not a function',\n}".
const VALUE_CLASS = /^([A-Z][\w$]*) \{$/m;
const VALUE_MESSAGE = /^\s+message: (['`])((?:\\.|(?!\1)[\s\S])*)\1,$/m;
// "Difference (- actual, + expected):" and its lines.
const DIFFERENCE = /^Difference \(- actual, \+ expected\):\n+((?:[-+ ] .*(?:\n|$))+)/m;

/** The error a test threw, from ava's "Error thrown in test:" details. */
function wrappedFailure(details: string): TestFailure {
  const value = details.replace(/^.*:\s*\n+/, '').trim();
  const errorName = VALUE_CLASS.exec(value)?.[1];
  const quoted = VALUE_MESSAGE.exec(value);
  const message = quoted ? quoted[2].replace(/\\(.)/g, '$1') : value;
  return { kind: kindOf(errorName, message), message, ...(errorName ? { errorName } : {}) };
}

/** "expected 2, actual 3" when the difference is one value against another; undefined otherwise. */
function simpleDifference(details: string): string | undefined {
  const lines = DIFFERENCE.exec(details)?.[1].trimEnd().split('\n');
  if (lines?.length !== 2 || !lines[0].startsWith('- ') || !lines[1].startsWith('+ ')) return undefined;
  return describeMismatch(lines[1].slice(2), lines[0].slice(2));
}

/** The details without blank lines; a label with a one-line value on one line ("Value is not `true`: false"). */
function compact(details: string): string {
  return details
    .trim()
    .replace(/:\s*\n\n([^\n]+)(?=\n\n|$)/g, ': $1')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .join('\n');
}

/**
 * A failed ava test from what ava says about it: the error's message (the assertion's own message,
 * or ava's "Error thrown in test"), its class when it is not ava's AssertionError, and the details
 * ava prints under it ("label:\n\nformatted" blocks).
 */
export function avaFailure(message: string, errorName: string | undefined, details: string): TestFailure {
  if (WRAPPED.test(message)) return wrappedFailure(details);
  if (errorName && errorName !== 'AssertionError') return { kind: kindOf(errorName, message), message, errorName };
  // node:assert and other assertion libraries: ava says "Assertion failed" and prints their message.
  if (message === 'Assertion failed') {
    return { kind: 'assertion', errorName: 'AssertionError', message: withoutStack(compact(details.replace(/^Assertion failed:\s*/, ''))) };
  }
  const mismatch = simpleDifference(details);
  const detail = mismatch ?? compact(details);
  const text = mismatch && message ? `${message}: ${mismatch}` : [message, detail].filter((s) => s.length > 0).join('\n');
  return { kind: 'assertion', errorName: 'AssertionError', message: withoutStack(text) };
}
