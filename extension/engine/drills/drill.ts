import type { RunEvent } from '../../protocol/events';
import type { RunState } from '../../protocol/runState';
import type { JournalProblem } from '../journal/journalReader';
import type { RunOptions } from '../run/runOptions';
import type { ScenarioInput } from '../simulator/scenarioSchema';
import type { SimulatorRequest } from '../simulator/simulatorServer';

/**
 * A drill reproduces one of DESIGN.md's twelve failure modes on purpose (a real repository, a
 * simulator scenario, a real run) and judges what Loom produced against what DESIGN.md promises.
 * `exercise` gathers the evidence; `judge` is pure, so a test can hand it evidence that lacks what
 * the promise needs and see the drill fail.
 */
export interface Drill<Evidence> {
  mode: number;
  name: string;
  /** Loom's answer to the failure mode, as the outcome the drill looks for. */
  expected: string;
  exercise(ctx: DrillContext): Promise<Evidence>;
  judge(evidence: Evidence): DrillVerdict;
}

/** What Loom produced, in a line, and whether it is the expected outcome. */
export interface DrillVerdict {
  holds: boolean;
  produced: string;
}

export type DrillApprovals = 'approve' | 'deny' | 'none';

/**
 * What the CLI lends the drills (the engine never imports the CLI): `loom run` and `loom replay`
 * exactly as a user runs them, and the built CLI for a run in a child process that a drill kills.
 */
export interface DrillHost {
  execute(options: RunOptions, approvals: DrillApprovals): Promise<{ exitCode: number; journalPath: string }>;
  replay(runId: string, loomHome: string): Promise<{ exitCode: number; output: string[] }>;
  /** `loom resolve RUN ESCALATION CHOICE`: a person answering from another shell while the run waits. */
  resolve(runId: string, loomHome: string, escalationId: string, choice: string): Promise<number>;
  cliPath: string;
  bundle: RunOptions['bundle'];
}

/** One run of a drill: a fresh repository with `files` and a spec of `requirements`, against `scenario`. */
export interface DrillRunInput {
  files: Record<string, string>;
  requirements: string[];
  scenario: ScenarioInput;
  options?: Partial<RunOptions>;
  /** How approval escalations are answered; default `deny` (nothing consequential happens unasked). */
  approvals?: DrillApprovals;
  /** Other escalations a person answers with `loom resolve` while the run waits, by kind (e.g. `{ budget: 'stop' }`). */
  answers?: Partial<Record<EscalationKind, string>>;
}

export type EscalationKind = Extract<RunEvent, { type: 'escalation/didOpen' }>['kind'];

export interface DrillRun {
  runId: string;
  repo: string;
  loomHome: string;
  journalPath: string;
  exitCode: number;
  events: RunEvent[];
  problems: JournalProblem[];
  /** The journal folded with the shared reducer, as every view sees it. */
  state: RunState;
  /** Every request the simulator received, bodies included: what reached the model. */
  requests: readonly SimulatorRequest[];
}

export interface DrillContext {
  /** The drill's own temp folder: repositories, LOOM_HOME, scenario files. */
  readonly dir: string;
  readonly host: DrillHost;
  run(input: DrillRunInput): Promise<DrillRun>;
}

/** The verdict from named checks: holds when all pass; otherwise the produced line names the ones that did not. */
export function verdict(produced: string, checks: Record<string, boolean>): DrillVerdict {
  const failed = Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  return failed.length === 0 ? { holds: true, produced } : { holds: false, produced: `${produced} — not as expected: ${failed.join('; ')}` };
}
