#!/usr/bin/env node
// The headless CLI: the same engine as the extension, composed here.
import { ModelNotConfiguredError } from '../engine/models/modelConfig';
import { ScenarioError } from '../engine/simulator/loadScenario';
import { RunInputError } from '../engine/run/runCoordinator';
import { ResumeError } from '../engine/run/resumePoint';
import { runCommand } from './runCommand';
import { resumeCommand } from './resumeCommand';
import { replayCommand } from './replayCommand';
import { statusCommand } from './statusCommand';
import { cleanCommand } from './cleanCommand';
import { simulateCommand } from './simulateCommand';
import { demoCommand } from './demoCommand';
import { drillCommand } from './drillCommand';
import { resolveCommand } from './resolveCommand';
import { traceCommand } from './traceCommand';
import { EscalationError } from '../engine/run/resolveEscalation';
import { EXIT, USAGE, UsageError } from './usageError';
import { SecretRedactor } from '../engine/policy/secretRedaction';
import { PolicyError } from '../engine/policy/actionPolicy';

const commands: Record<string, (argv: string[], print: (line: string) => void) => Promise<number>> = {
  run: runCommand,
  resume: resumeCommand,
  replay: replayCommand,
  status: statusCommand,
  clean: cleanCommand,
  simulate: simulateCommand,
  demo: demoCommand,
  drill: drillCommand,
  resolve: resolveCommand,
  trace: traceCommand,
};

/** Everything the CLI prints (progress, report, errors) goes through one redaction: no secret reaches a terminal or a CI log. */
const redactor = new SecretRedactor();
const stderr = (text: string) => process.stderr.write(redactor.redact(text));

async function main(argv: string[]): Promise<number> {
  const print = (line: string) => process.stdout.write(redactor.redact(`${line}\n`));
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    print(USAGE);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands[name];
  if (!command) {
    stderr(`loom: unknown command "${name}"\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  try {
    return await command(rest, print);
  } catch (err) {
    if (err instanceof UsageError || err instanceof RunInputError || err instanceof ResumeError || err instanceof ScenarioError || err instanceof ModelNotConfiguredError || err instanceof EscalationError || err instanceof PolicyError) {
      stderr(`loom ${name}: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      stderr(`loom ${name}: ${err.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    stderr(`loom: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
