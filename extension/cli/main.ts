#!/usr/bin/env node
// The headless CLI: the same engine as the extension, composed here.
import { SecretRedactor } from '../engine/policy/secretRedaction';
import { reportError } from './cliErrors';
import { COMMANDS } from './commands';
import { isCommandName } from './help/commandHelp';
import { formatCommandHelp, formatGlobalHelp, usageLines } from './help/formatHelp';
import { EXIT } from './usageError';
import { loomVersion } from './version';

/** Everything the CLI prints (progress, report, errors) goes through one redaction: no secret reaches a terminal or a CI log. */
const redactor = new SecretRedactor();
const stderr = (text: string) => process.stderr.write(redactor.redact(text));
const print = (line: string) => process.stdout.write(redactor.redact(`${line}\n`));

const HELP = new Set(['--help', '-h']);

/** `--help` anywhere before a `--` asks for help, whatever else the command line says. */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => HELP.has(a));
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    stderr(`${formatGlobalHelp(loomVersion())}\n`);
    return EXIT.usage;
  }
  if (HELP.has(name) || name === 'help') {
    const topic = rest[0];
    if (topic === undefined) print(formatGlobalHelp(loomVersion()));
    else if (isCommandName(topic)) print(formatCommandHelp(topic));
    else return unknownCommand(topic);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    print(loomVersion());
    return EXIT.ok;
  }
  if (!isCommandName(name)) return unknownCommand(name);
  if (asksForHelp(rest)) {
    print(formatCommandHelp(name));
    return EXIT.ok;
  }
  try {
    return await COMMANDS[name](rest, print);
  } catch (err) {
    const reported = reportError(name, err, usageLines(name));
    stderr(reported.text);
    return reported.exitCode;
  }
}

function unknownCommand(name: string): number {
  stderr(`loom: unknown command "${name}". The commands are: ${Object.keys(COMMANDS).join(', ')} (loom --help describes each).\n`);
  return EXIT.usage;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    stderr(reportError('', err).text);
    process.exitCode = EXIT.taskFailures;
  },
);
