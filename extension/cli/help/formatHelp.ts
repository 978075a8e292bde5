import { COMMAND_HELP, type CommandName } from './commandHelp';
import { ENVIRONMENT, type CommandHelp, type EnvironmentVariable } from './helpTypes';

/** What 0–3 mean for every command (drill's own meaning is in its description). */
export const EXIT_CODES_HELP = 'Exit codes: 0 success, 1 task failures (or a bug in Loom, which says so), 2 usage or configuration errors, 3 an escalation waits for a person.';

const WIDTH = 32;

function column(left: string, text: string): string {
  return left.length > WIDTH - 4 ? `  ${left}\n${' '.repeat(WIDTH)}${text}` : `  ${left.padEnd(WIDTH - 2)}${text}`;
}

function environmentLines(names: readonly EnvironmentVariable[]): string[] {
  return ['Environment:', ...names.map((name) => column(name, ENVIRONMENT[name]))];
}

/** Wraps a paragraph at 100 columns. */
function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The first usage line, then the others aligned under it: what a parse error shows. */
export function usageLines(name: CommandName): string[] {
  const [first, ...rest] = COMMAND_HELP[name].usage;
  return [`Usage: ${first}`, ...rest.map((u) => `       ${u}`)];
}

/** `loom <command> --help`. */
export function formatCommandHelp(name: CommandName): string {
  const help: CommandHelp = COMMAND_HELP[name];
  const out = [...usageLines(name), '', ...wrap(help.description)];
  if (help.arguments) out.push('', 'Arguments:', ...Object.entries(help.arguments).map(([arg, text]) => column(arg, text)));
  if (help.more) out.push(...help.more);
  const flags = Object.entries(help.flags);
  out.push('', 'Flags:', ...flags.map(([flag, f]) => column(`--${flag}${f.value ? ` ${f.value}` : ''}`, f.text)), column('-h, --help', 'print this help'));
  if (help.environment?.length) out.push('', ...environmentLines(help.environment));
  out.push('', 'Examples:', ...help.examples.map((e) => `  ${e}`));
  return out.join('\n');
}

/** `loom --help`: every command with its summary, the environment, the exit codes. */
export function formatGlobalHelp(version: string): string {
  const names = Object.keys(COMMAND_HELP) as CommandName[];
  return [
    `Loom ${version}: several AI coding agents on one repository, from a spec to a verified, integrated branch.`,
    '',
    'Usage: loom <command> [arguments] [flags]',
    '',
    'Commands:',
    ...names.map((name) => column(name, COMMAND_HELP[name].summary)),
    '',
    'loom <command> --help (or loom help <command>) describes a command, its flags and examples.',
    'loom --version prints the version.',
    '',
    ...environmentLines(Object.keys(ENVIRONMENT) as EnvironmentVariable[]),
    '',
    'Start with: loom demo (no model needed), then loom run --spec SPEC.md --repo DIR.',
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}
