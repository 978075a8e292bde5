import type { Task } from './plan';
import type { Finding, TaskResult } from './taskResult';
import type { AgentOutcome, AgentRole, Usage } from './usage';
import type { EventOf, MergeTier } from './events';
import type { PriceTable } from './pricing';

/** `stopped`: it ended because a person stopped the run (Stop Run), not on its own; a resume continues it. */
export type TaskStatus = 'pending' | 'running' | 'verifying' | 'succeeded' | 'failed' | 'stopped' | 'blocked' | 'merged' | 'conflicted' | 'waiting';

export interface TaskState {
  task: Task;
  status: TaskStatus;
  attempts: number;
  branch: string | null;
  headCommit: string | null;
  result: TaskResult | null;
  findings: Finding[];
  /** A person's decisions on findings, by index; the latest per index wins. */
  reviews: { index: number; decision: 'accepted' | 'dismissed' }[];
  checks: { check: string; passed: boolean; detail: string }[];
  failureReason: string | null;
  /** How it reached the integration branch, once merged. */
  mergedBy: MergeTier | null;
  /** The escalation it waits on (status 'waiting'). */
  waitingOn: string | null;
  startedAt: number | null;
  endedAt: number | null;
}

export interface AgentState {
  agentId: string;
  role: AgentRole;
  taskId: string | null;
  status: 'running' | 'finished';
  model: string;
  threadId: number;
  budgetTokens: number;
  usage: Usage;
  modelCalls: number;
  toolCalls: number;
  outcome: AgentOutcome | null;
  startedAt: number;
  endedAt: number | null;
  mcpPids: number[];
  /** Which attempt of its task (or round, for a verifier) it is: 1 for the first. */
  attempt?: number;
}

export interface RunState {
  runId: string | null;
  status: 'idle' | 'planning' | 'running' | 'succeeded' | 'failed' | 'escalated' | 'stopped';
  repo: string | null;
  baseCommit: string | null;
  specPath: string | null;
  model: string | null;
  /** The prices the run's costs use, journaled at its start (defaults plus overrides); null: the default table. */
  prices: PriceTable | null;
  requirements: { id: string; title: string }[];
  planErrors: string[][];
  /** Tasks in plan order. Arrays, not maps, so state crosses every boundary unchanged. */
  tasks: TaskState[];
  agents: AgentState[];
  conflicts: EventOf<'conflict/didDetect'>[];
  /** Conflicts predicted between branches in flight, one per pair, latest first-come order. */
  predictions: EventOf<'conflict/didPredict'>[];
  escalations: (EventOf<'escalation/didOpen'> & { resolution: string | null })[];
  /** Actions the policy refused, and every approval's outcome (failure mode 8). */
  policyDecisions: EventOf<'policy/didDecide'>[];
  integrationBranch: string | null;
  integrationCommit: string | null;
  startedAt: number | null;
  endedAt: number | null;
  lastSeq: number;
}

export function initialRunState(): RunState {
  return {
    runId: null,
    status: 'idle',
    repo: null,
    baseCommit: null,
    specPath: null,
    model: null,
    prices: null,
    requirements: [],
    planErrors: [],
    tasks: [],
    agents: [],
    conflicts: [],
    predictions: [],
    escalations: [],
    policyDecisions: [],
    integrationBranch: null,
    integrationCommit: null,
    startedAt: null,
    endedAt: null,
    lastSeq: -1,
  };
}
