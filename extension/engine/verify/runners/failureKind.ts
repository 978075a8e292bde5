import type { FailureKind, TestFailure } from './testReport';

// "TypeError: x is not a function", "AssertionError [ERR_ASSERTION]: ...", "Uncaught Error: ..."
const ERROR_LINE = /^(?:Uncaught )?([A-Z][\w$]*(?:Error|Exception)|Error)(?: \[\w+\])?: ?(.*)$/;
const STACK_LINE = /^\s*at\s/;
const MESSAGE_LIMIT = 2000;

/** Splits a first line like "TypeError: x is not a function" into the class and the message. */
export function splitErrorLine(line: string): { errorName?: string; message: string } {
  const m = ERROR_LINE.exec(line.trim());
  return m ? { errorName: m[1], message: m[2] } : { message: line.trim() };
}

/**
 * An assertion that did not hold, as opposed to the test crashing: node:assert and chai throw an
 * AssertionError, jest's matchers a plain Error whose message starts with `expect(`.
 */
export function kindOf(errorName: string | undefined, message: string): FailureKind {
  if (errorName && /AssertionError/.test(errorName)) return 'assertion';
  if (/^\s*expect\(/m.test(message)) return 'assertion';
  return 'error';
}

// A function or binding the test uses does not exist (yet).
const MISSING_SYMBOL = /\bis not a function\b|\bis not defined\b|\bis not a constructor\b|does not provide an export named|is not exported by/;

/**
 * Whether an error failure is a missing function or binding: on the start commit, a test of a NEW
 * export fails this way legitimately; the verifier decides whether to accept it.
 */
export function isMissingSymbol(failure: TestFailure): boolean {
  return failure.kind === 'error' && MISSING_SYMBOL.test(failure.message);
}

/** Drops the stack (from the first "at ..." line) and trailing blank lines. */
export function withoutStack(text: string): string {
  const lines = text.split('\n');
  const stackAt = lines.findIndex((l) => STACK_LINE.test(l));
  const kept = stackAt < 0 ? lines : lines.slice(0, stackAt);
  return kept.join('\n').replace(/\s+$/, '').slice(0, MESSAGE_LIMIT);
}

/** A failure from an error as printed ("TypeError: x is not a function\n    at ..."). */
export function failureFromText(text: string, errorName?: string): TestFailure {
  const body = withoutStack(text.replace(/^\s*\n/, ''));
  const [first = '', ...rest] = body.split('\n');
  const split = splitErrorLine(first);
  const name = errorName ?? split.errorName;
  const message = [split.message, ...rest].join('\n').trim();
  return { kind: kindOf(name, message), message, ...(name ? { errorName: name } : {}) };
}
