import type { EventBody, RunEvent } from '../../protocol/events';
import type { Spec } from '../../protocol/spec';
import type { RunOptions } from './runOptions';
import type { RunPaths } from './runPaths';
import type { AgentLauncher } from './agentLauncher';

/** What the phases of one run share. Built once by the coordinator. */
export interface RunContext {
  runId: string;
  options: RunOptions;
  paths: RunPaths;
  spec: Spec;
  baseCommit: string;
  launcher: AgentLauncher;
  journal: (body: EventBody) => RunEvent;
  signal: AbortSignal;
}
