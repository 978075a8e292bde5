import type { SecretRedactor } from './secretRedaction';

/** The methods of a log (VS Code's LogOutputChannel, a console) that take text. */
export const LOG_TEXT_METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace'] as const;

/**
 * The same log, with every string (and Error) argument of its text methods redacted before it is
 * written. Other members pass through untouched, so it can stand in for the original anywhere.
 */
export function redactLog<T extends object>(log: T, redactor: SecretRedactor, methods: readonly string[] = LOG_TEXT_METHODS): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(log, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(property);
      if (!fn) {
        // Every method runs on the original object (private state, `this` checks), text ones on redacted arguments.
        const redacts = methods.includes(String(property));
        fn = (...args: unknown[]) => Reflect.apply(value, target, redacts ? args.map((arg) => redactArg(arg, redactor)) : args);
        wrapped.set(property, fn);
      }
      return fn;
    },
  });
}

function redactArg(arg: unknown, redactor: SecretRedactor): unknown {
  if (typeof arg === 'string') return redactor.redact(arg);
  if (arg instanceof Error) {
    const copy = new Error(redactor.redact(arg.message));
    copy.name = arg.name;
    copy.stack = arg.stack === undefined ? undefined : redactor.redact(arg.stack);
    return copy;
  }
  return arg;
}
