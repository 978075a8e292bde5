import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../protocol/events';
import { readJournal } from '../journal/journalReader';

/** How long a drill waits for the moment to kill at before it kills anyway. */
const KILL_DEADLINE_MS = 60_000;

/**
 * `loom ARGS` in a child process, SIGKILLed as soon as its run's journal (the only one under
 * `journalDir`) satisfies `killWhen` — a crash at a chosen moment, not a polite stop.
 */
export function crashRun(
  cliPath: string,
  args: string[],
  moment: { journalDir: string; killWhen: (events: RunEvent[]) => boolean },
): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const started = Date.now();
    const poll = setInterval(() => {
      if (Date.now() - started > KILL_DEADLINE_MS || moment.killWhen(journalEvents(moment.journalDir))) child.kill('SIGKILL');
    }, 50);
    child.on('error', (err) => {
      clearInterval(poll);
      reject(err);
    });
    child.on('close', (_code, signal) => {
      clearInterval(poll);
      resolve({ killed: signal === 'SIGKILL', output });
    });
  });
}

function journalEvents(runsDir: string): RunEvent[] {
  if (!existsSync(runsDir)) return [];
  const [runId] = readdirSync(runsDir);
  const journal = runId ? join(runsDir, runId, 'journal.jsonl') : null;
  return journal && existsSync(journal) ? readJournal(journal).events : [];
}
