/**
 * One `loom run` of a field case through the real CLI (dist/cli/main.js), and what its journal
 * says happened: each verification's findings, whether the task merged, how the run ended.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readJournal } from '../../extension/engine/journal/journalReader';
import type { EventOf, RunEvent } from '../../extension/protocol/events';
import type { Finding } from '../../extension/protocol/taskResult';
import type { PreparedCase } from './fieldCases';
import { fileAtCommit } from './fieldRepo';
import { TASK_ID } from './fieldScenario';

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** The CLI under test; LOOM_FIELD_CLI points elsewhere (another build) when set. */
export const CLI = process.env.LOOM_FIELD_CLI ?? join(ROOT, 'dist', 'cli', 'main.js');

export interface RunOutcome {
  exitCode: number | null;
  seconds: number;
  journalPath: string | null;
  /** run/didFinish status, or null when the run never finished. */
  status: string | null;
  /** Each verify/didFinish of the task, in order. */
  verifications: { attempt: number; passed: boolean; findings: Finding[] }[];
  /** verify/didCheck lines of the task: "check: passed/failed — detail". */
  checks: string[];
  merged: boolean;
  integrationCommit: string | null;
  /** task/didFail reason, if it failed. */
  failReason: string | null;
  /** The files Loom froze as the task's acceptance tests (tests/didFreeze), or null. */
  frozen: string[] | null;
  /** Roles of the agents that started, in order (coordinator, testAuthor, implementor, verifier…). */
  roles: string[];
  /** The CLI's output, for a failing case's message. */
  logPath: string;
  /** The case's files as the integration commit has them (null: absent), read before the case's clone is removed. */
  integrated: Record<string, string | null>;
}

const TIMEOUT_MS = 10 * 60_000;

/** Runs `loom run` for the case; its output goes to dir/cli.log. */
export function runLoom(pc: PreparedCase, files: readonly string[], extraArgs: readonly string[] = []): Promise<RunOutcome> {
  const home = join(pc.dir, 'home');
  const logPath = join(pc.dir, 'cli.log');
  const args = [CLI, 'run', '--spec', pc.specPath, '--repo', pc.repoDir, '--simulate', pc.scenarioPath, '--loom-home', home, '--policy', pc.policyPath, '--flake-reruns', '0', '--no', ...extraArgs];
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
  delete env.NODE_OPTIONS;
  const started = Date.now();
  return new Promise((done, fail) => {
    const log = createWriteStream(logPath);
    log.write(`$ node ${args.join(' ')}\n`);
    const child = spawn(process.execPath, args, { cwd: pc.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      log.end(() => {
        try {
          const outcome = readOutcome(home);
          const integrated = Object.fromEntries(files.map((f) => [f, outcome.integrationCommit ? fileAtCommit(pc.repoDir, outcome.integrationCommit, f) : null]));
          done({ ...outcome, exitCode: code, seconds: (Date.now() - started) / 1000, logPath, integrated });
        } catch (err) {
          fail(err);
        }
      });
    });
  });
}

function journalOf(home: string): string | null {
  const runs = join(home, 'runs');
  if (!existsSync(runs)) return null;
  const ids = readdirSync(runs).filter((id) => existsSync(join(runs, id, 'journal.jsonl')));
  return ids.length === 1 ? join(runs, ids[0], 'journal.jsonl') : null;
}

function ofType<T extends RunEvent['type']>(events: RunEvent[], type: T): EventOf<T>[] {
  return events.filter((e): e is EventOf<T> => e.type === type);
}

export function readOutcome(home: string): Omit<RunOutcome, 'exitCode' | 'seconds' | 'logPath' | 'integrated'> {
  const journalPath = journalOf(home);
  const events = journalPath ? readJournal(journalPath).events : [];
  const finish = ofType(events, 'run/didFinish').at(-1);
  return {
    journalPath,
    status: finish?.status ?? null,
    verifications: ofType(events, 'verify/didFinish')
      .filter((e) => e.taskId === TASK_ID)
      .map((e) => ({ attempt: e.attempt, passed: e.passed, findings: e.findings })),
    checks: ofType(events, 'verify/didCheck')
      .filter((e) => e.taskId === TASK_ID)
      .map((e) => `${e.check}: ${e.passed ? 'passed' : 'failed'} — ${e.detail}`),
    merged: ofType(events, 'merge/didMerge').some((e) => e.taskId === TASK_ID),
    integrationCommit: finish?.integrationCommit ?? null,
    failReason: ofType(events, 'task/didFail').find((e) => e.taskId === TASK_ID)?.reason ?? null,
    frozen: ofType(events, 'tests/didFreeze').find((e) => e.taskId === TASK_ID)?.files ?? null,
    roles: ofType(events, 'agent/didStart').map((e) => e.role),
  };
}

/** The error rules of a verification, e.g. ["failToPass/stillFails", "claim/mismatch"]. */
export function errorRules(findings: readonly Finding[]): string[] {
  return [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule))];
}
