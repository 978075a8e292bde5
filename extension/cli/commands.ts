import type { CommandName } from './help/commandHelp';
import { runCommand } from './runCommand';
import { resumeCommand } from './resumeCommand';
import { runsCommand } from './runsCommand';
import { replayCommand } from './replayCommand';
import { statusCommand } from './statusCommand';
import { cleanCommand } from './cleanCommand';
import { mergeCommand } from './mergeCommand';
import { simulateCommand } from './simulateCommand';
import { demoCommand } from './demoCommand';
import { drillCommand } from './drillCommand';
import { resolveCommand } from './resolveCommand';
import { traceCommand } from './traceCommand';

export type CommandHandler = (argv: string[], print: (line: string) => void) => Promise<number>;

/** Each command's handler; typed by the help registry, so a command cannot exist without its help (or the reverse). */
export const COMMANDS: Record<CommandName, CommandHandler> = {
  run: runCommand,
  resume: resumeCommand,
  runs: runsCommand,
  status: statusCommand,
  resolve: resolveCommand,
  replay: replayCommand,
  trace: traceCommand,
  clean: cleanCommand,
  merge: mergeCommand,
  simulate: simulateCommand,
  demo: demoCommand,
  drill: drillCommand,
};
