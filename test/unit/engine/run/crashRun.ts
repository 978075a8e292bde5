import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPaths } from '../../../../extension/engine/run/runPaths';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { CLI } from '../../cli/loomCli';
import { PASS_VERDICT, planTask, report, specWith, write } from './runHarness';

/** A multi-task run with latency, killed and resumed by the crash tests (crashResume, damagedJournalResume). */
const valueTest = (name: string, expected: number) =>
  `const test = require('node:test');\nconst assert = require('node:assert/strict');\ntest('${name}', () => assert.equal(require('../src/${name}.js').value, ${expected}));\n`;
export const NAMES = ['alpha', 'beta', 'gamma'];
export const FILES: Record<string, string> = Object.fromEntries(
  NAMES.flatMap((n, i) => [
    [`src/${n}.js`, 'module.exports = { value: 0 };\n'],
    [`test/${n}.test.js`, valueTest(n, i + 1)],
  ]),
);

/** Three tasks and a dependent, each a few turns with latency: a run of several seconds with many moments to die in. */
export function scenario(): ScenarioInput {
  const plan = {
    tasks: [...NAMES.map((n, i) => planTask(n, `R${i + 1}`, [`src/${n}.js`], `test/${n}.test.js`)), planTask('omega', 'R4', ['src/omega.js'], null, ['alpha'])],
  };
  const implementor = (n: string, value: number) => ({
    match: { role: 'implementor', task: n },
    turns: [
      { latencyMs: 250, toolCalls: [{ name: 'read_file', arguments: { path: `src/${n}.js` } }] },
      { latencyMs: 250, toolCalls: [write(`src/${n}.js`, `module.exports = { value: ${value} };\n`)] },
      { latencyMs: 250, toolCalls: [report(`${n} is ${value}`, [`src/${n}.js`])] },
    ],
  });
  return {
    name: 'crash',
    agents: [
      { match: { role: 'coordinator' }, turns: [{ latencyMs: 200, content: JSON.stringify(plan) }] },
      ...NAMES.map((n, i) => implementor(n, i + 1)),
      implementor('omega', 9),
      { match: { role: 'verifier' }, turns: [{ latencyMs: 100, content: PASS_VERDICT }] },
    ],
  };
}

/** A deterministic generator, so a failing moment can be replayed. */
export function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** `loom run` in a child process, SIGKILLed after `killAfterMs` or once `killWhen` holds (polled), or left to finish (null). */
export function runUntil(args: string[], kill: number | null | { killWhen: () => boolean }): Promise<{ code: number | null; stdout: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const timer =
      kill === null
        ? null
        : typeof kill === 'number'
          ? setTimeout(() => child.kill('SIGKILL'), kill)
          : setInterval(() => {
              if (kill.killWhen()) child.kill('SIGKILL');
            }, 20);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, stdout, killed: signal === 'SIGKILL' });
    });
  });
}

/** Processes whose command line names `marker` (the run's LOOM_HOME), after waiting up to `withinMs` for them to end. */
export async function survivors(marker: string, withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const list = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(marker) && !line.includes(' ps -eo'));
    if (list.length === 0 || Date.now() > deadline) return list.map((l) => l.trim());
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const runIdOf = (stdout: string) => /run (\d{8}-\d{6}-[a-z0-9]{4})/.exec(stdout)?.[1];

/** The repository files and spec of the crash run. */
export const crashRepoFiles = () => ({ ...FILES, 'SPEC.md': specWith(['alpha', 'beta', 'gamma', 'omega']) });

/** The id of the one run under `home`, once its folder exists (a run killed early may not have printed it). */
export function runIdUnder(home: string): string | undefined {
  const runs = join(home, 'runs');
  return existsSync(runs) ? readdirSync(runs)[0] : undefined;
}

/** The journal of the one run under `home`, once it exists. */
export function journalUnder(home: string): string | null {
  const runId = runIdUnder(home);
  return runId ? runPaths(home, runId).journal : null;
}

/** How many lines the journal of the one run under `home` has so far (0 before it exists). */
export function journalLines(home: string): number {
  const journal = journalUnder(home);
  if (!journal || !existsSync(journal)) return 0;
  return readFileSync(journal, 'utf8').split('\n').length - 1;
}

/**
 * The crash run by the built CLI, SIGKILLed once an implementor has checkpointed and before anything
 * merged (tasks in flight). Writes its scenario and LOOM_HOME under `workDir`.
 */
export async function runKilledAfterFirstCheckpoint(repoDir: string, workDir: string): Promise<{ scenarioPath: string; home: string; runId: string; journal: string }> {
  const scenarioPath = join(workDir, 'scenario.json');
  writeFileSync(scenarioPath, JSON.stringify(scenario()));
  const home = join(workDir, 'home');
  const killed = await runUntil(['run', '--spec', join(repoDir, 'SPEC.md'), '--repo', repoDir, '--simulate', scenarioPath, '--loom-home', home, '--concurrency', '3'], {
    killWhen: () => {
      const journal = journalUnder(home);
      return journal !== null && existsSync(journal) && readFileSync(journal, 'utf8').includes('"type":"checkpoint/didCommit"');
    },
  });
  if (!killed.killed) throw new Error(`the run should have been killed mid-way\n${killed.stdout}`);
  return { scenarioPath, home, runId: runIdUnder(home)!, journal: journalUnder(home)! };
}
