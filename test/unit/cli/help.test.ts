import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_HELP, type CommandName } from '../../../extension/cli/help/commandHelp';
import type { CommandHelp } from '../../../extension/cli/help/helpTypes';
import { RUN_FLAGS } from '../../../extension/cli/runCommand';
import { COMMANDS } from '../../../extension/cli/commands';
import { ROOT, requireBuild } from '../engine/run/runHarness';
import { loom } from './loomCli';

const COMMAND_NAMES = Object.keys(COMMAND_HELP) as CommandName[];
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a command's parser accepts `--flag` (called in-process: the parse fails on a later unknown flag, so nothing runs). */
async function accepts(command: CommandName, flag: string): Promise<boolean> {
  try {
    await COMMANDS[command]([`--${flag}`, 'x', '--definitely-not-a-flag'], () => undefined);
  } catch (err) {
    return !String((err as Error).message).includes(`'--${flag}'`);
  }
  assert.fail(`loom ${command} ran with an unknown flag`);
}

describe('loom --help, help <command>, --version (the built CLI)', function () {
  this.timeout(120_000);
  before(requireBuild);

  it('loom --help lists every command with its summary, the environment variables and the exit codes; exit 0', async () => {
    const { code, stdout, stderr } = await loom(['--help']);
    assert.equal(code, 0, stderr);
    for (const name of COMMAND_NAMES) assert.match(stdout, new RegExp(`^  ${name} +${escape(COMMAND_HELP[name].summary)}$`, 'm'), name);
    for (const variable of ['LOOM_BASE_URL', 'LOOM_MODEL', 'LOOM_API_KEY', 'OPENAI_API_KEY', 'LOOM_HOME', 'OTEL_EXPORTER_OTLP_ENDPOINT']) assert.ok(stdout.includes(variable), variable);
    assert.match(stdout, /Exit codes: 0 success, 1 task failures.*2 usage or configuration errors, 3 an escalation waits/);
  });

  for (const name of COMMAND_NAMES) {
    it(`loom ${name} --help, -h and loom help ${name}: description, usage, every flag, examples; exit 0`, async () => {
      const help: CommandHelp = COMMAND_HELP[name];
      const long = await loom([name, '--help']);
      assert.equal(long.code, 0, long.stderr);
      assert.equal(long.stderr, '');
      assert.match(long.stdout, new RegExp(`^Usage: loom ${name}\\b`));
      assert.ok(long.stdout.includes(help.description.split(' ').slice(0, 6).join(' ')), 'the description');
      for (const [flag, { value }] of Object.entries(help.flags)) assert.match(long.stdout, new RegExp(`^  --${flag}${value ? ` ${escape(value)}` : ''}( +|\\n +)\\S`, 'm'), `--${flag} with a description`);
      assert.ok(help.examples.length >= 1 && help.examples.length <= 3, 'one to three examples');
      for (const example of help.examples) assert.ok(long.stdout.includes(`  ${example}`), example);
      for (const args of [[name, '-h'], ['help', name]]) assert.equal((await loom(args)).stdout, long.stdout, args.join(' '));
    });
  }

  it('--help wins over any other argument, even ones the command would refuse', async () => {
    const { code, stdout, stderr } = await loom(['run', '--spec', 'missing.md', '--nope', '--help']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Usage: loom run --spec FILE --repo DIR/);
  });

  it('run and resume name every flag their parser accepts, and the environment variables', async () => {
    for (const name of ['run', 'resume'] as const) {
      const { stdout } = await loom([name, '--help']);
      for (const flag of Object.keys(RUN_FLAGS)) assert.match(stdout, new RegExp(`^  --${flag}\\b`, 'm'), `${name} --help names --${flag}`);
      for (const variable of ['LOOM_BASE_URL', 'LOOM_MODEL', 'LOOM_API_KEY', 'OPENAI_API_KEY', 'LOOM_HOME', 'OTEL_EXPORTER_OTLP_ENDPOINT']) assert.ok(stdout.includes(variable), `${name}: ${variable}`);
    }
  });

  it('every flag a help page names is one its command accepts', async () => {
    for (const name of COMMAND_NAMES) {
      for (const flag of Object.keys(COMMAND_HELP[name].flags)) assert.ok(await accepts(name, flag), `loom ${name} accepts --${flag}`);
    }
  });

  it('loom --version and -v print the version in package.json; exit 0', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = await loom([flag]);
      assert.equal(code, 0);
      assert.equal(stdout, `${version}\n`);
    }
  });

  it('an unknown command or help topic names the commands; exit 2', async () => {
    for (const args of [['frobnicate'], ['help', 'frobnicate']]) {
      const { code, stderr } = await loom(args);
      assert.equal(code, 2);
      assert.match(stderr, /unknown command "frobnicate"\. The commands are: run, resume, runs/);
    }
  });
});
