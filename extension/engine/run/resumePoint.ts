import type { ChatMessage } from '../../protocol/chat';
import type { RunEvent } from '../../protocol/events';
import { CheckpointConversations } from '../../protocol/checkpointConversation';
import type { Plan } from '../../protocol/plan';
import type { Finding, TaskResult } from '../../protocol/taskResult';
import { unfinishedEffects, type UnfinishedEffect } from '../../protocol/effects';
import { reconcileEffect, type ReconciledEffect } from './effectReconciliation';

/** Where an unfinished task continues from, read from the journal. */
export interface TaskResumePoint {
  /** The lease the journal recorded (its start commit is where the branch began). */
  lease: { branch: string | null; path: string; startCommit: string } | null;
  /** The frozen acceptance tests' commit, when the test author had finished: the task's start commit. */
  frozenStart: string | null;
  /** The implementor's last checkpoint (commit and conversation), if any. */
  checkpoint: { commit: string; messages: ChatMessage[] } | null;
  /** A reported result not yet verified: the verifier runs again on that head, the implementor does not. */
  reported: { result: TaskResult; headCommit: string } | null;
  /** Implementor attempts already made. */
  attempts: number;
  /** Verifications already finished (each counts toward the task's limit). */
  verifyRounds: number;
  /** Findings of a failed verification whose retry had not started: the next attempt gets them. */
  findings: Finding[];
  /** Test-author agents already started (a resumed one gets the next number, never a used id). */
  authorAttempts: number;
  /** Tokens the task's test authors and implementors already used: a resume continues the budget, never a fresh one. */
  spentTokens: number;
  /** The same, split into input and output: what its dollars cost depends on it. */
  spentUsage: { inputTokens: number; outputTokens: number };
  /** Tool calls of its agents that may have acted outside the lease before the crash: the next agent is told. */
  inDoubt: UnfinishedEffect[];
}

export interface ResumePoint {
  runId: string;
  repo: string;
  baseCommit: string;
  specPath: string;
  plan: Plan | null;
  /** Verified tasks and their heads, in the order they were verified. */
  succeeded: Map<string, string>;
  failed: Set<string>;
  blocked: Set<string>;
  /** Tasks merged into the integration branch: never merged twice. */
  merged: Set<string>;
  /** Tasks that had started and not ended. */
  inFlight: Map<string, TaskResumePoint>;
  /** Escalation ids already opened: never opened twice. */
  escalations: Set<string>;
  /** Effects whose intent is journaled and whose completion is not, each with how the resume settles it. */
  unfinished: ReconciledEffect[];
}

export class ResumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResumeError';
  }
}

/**
 * What a resume continues from, folded from the journal: finished tasks keep their results, tasks
 * in flight continue from their last checkpoint (or from their reported result, to be verified),
 * and every effect already journaled (merges, escalations) is known, so none is repeated.
 */
export function resumePoint(events: readonly RunEvent[]): ResumePoint {
  const start = events.find((e) => e.type === 'run/didStart');
  if (!start || start.type !== 'run/didStart') throw new ResumeError('the journal has no run/didStart: there is nothing to resume');
  const point: ResumePoint = {
    runId: start.runId,
    repo: start.repo,
    baseCommit: start.baseCommit,
    specPath: start.specPath,
    plan: null,
    succeeded: new Map(),
    failed: new Set(),
    blocked: new Set(),
    merged: new Set(),
    inFlight: new Map(),
    escalations: new Set(),
    unfinished: [],
  };
  const flight = (taskId: string): TaskResumePoint => {
    let t = point.inFlight.get(taskId);
    if (!t) {
      t = { lease: null, frozenStart: null, checkpoint: null, reported: null, attempts: 0, verifyRounds: 0, findings: [], authorAttempts: 0, spentTokens: 0, spentUsage: { inputTokens: 0, outputTokens: 0 }, inDoubt: [] };
      point.inFlight.set(taskId, t);
    }
    return t;
  };
  const implementors = new Set<string>();
  // Checkpoints journal only what is new: each implementor's conversation is folded from its checkpoints.
  const conversations = new CheckpointConversations();
  // Agents whose model calls count toward their task's budget, by agent id.
  const budgeted = new Map<string, string>();
  for (const e of events) {
    switch (e.type) {
      case 'plan/didAccept':
        point.plan = e.plan;
        break;
      case 'lease/didCreate':
        if (e.purpose === 'implement' && point.plan?.tasks.some((t) => t.id === e.taskId)) flight(e.taskId).lease = { branch: e.branch, path: e.path, startCommit: e.startCommit };
        break;
      case 'tests/didFreeze':
        flight(e.taskId).frozenStart = e.commit;
        break;
      case 'agent/didStart':
        if (e.role === 'testAuthor' && e.taskId) {
          budgeted.set(e.agentId, e.taskId);
          flight(e.taskId).authorAttempts++;
        }
        if (e.role === 'implementor' && e.taskId) {
          budgeted.set(e.agentId, e.taskId);
          implementors.add(e.agentId);
          const t = flight(e.taskId);
          t.attempts = Math.max(t.attempts, e.attempt);
          t.reported = null; // a new attempt supersedes an earlier report
          t.findings = [];
        }
        break;
      case 'model/didRespond': {
        const taskId = budgeted.get(e.agentId);
        if (taskId && point.inFlight.has(taskId)) {
          const t = flight(taskId);
          t.spentTokens += e.usage.inputTokens + e.usage.outputTokens;
          t.spentUsage = { inputTokens: t.spentUsage.inputTokens + e.usage.inputTokens, outputTokens: t.spentUsage.outputTokens + e.usage.outputTokens };
        }
        break;
      }
      case 'checkpoint/didCommit':
        if (e.taskId && implementors.has(e.agentId)) flight(e.taskId).checkpoint = { commit: e.commit, messages: conversations.add(e.agentId, e) };
        break;
      case 'task/didReport':
        flight(e.taskId).reported = { result: e.result, headCommit: e.headCommit };
        break;
      case 'verify/didFinish': {
        const t = flight(e.taskId);
        t.verifyRounds++;
        if (!e.passed) {
          t.reported = null;
          t.findings = e.findings;
        }
        break;
      }
      case 'task/didSucceed':
        point.succeeded.set(e.taskId, e.headCommit);
        point.inFlight.delete(e.taskId);
        break;
      case 'task/didFail':
        // A task the run's stop ended is not done: it continues like any task in flight.
        if (e.stopped) break;
        point.failed.add(e.taskId);
        point.inFlight.delete(e.taskId);
        break;
      case 'task/didBlock':
        point.blocked.add(e.taskId);
        point.inFlight.delete(e.taskId);
        break;
      case 'merge/didMerge':
        point.merged.add(e.taskId);
        break;
      case 'escalation/didOpen':
        point.escalations.add(e.escalationId);
        break;
      case 'effect/willApply':
      case 'effect/didAbandon':
      case 'agent/didFinish':
      case 'agent/didWarn':
      case 'conflict/didPredict':
      case 'conflict/didClear':
      case 'conflict/didDetect':
      case 'task/didWait':
      case 'escalation/didResolve':
      case 'finding/didReview':
      case 'lease/didRemove':
      case 'mcp/didFail':
      case 'mcp/didRestart':
      case 'mcp/didStart':
      case 'model/didFail':
      case 'plan/didFailValidation':
      case 'policy/didDecide':
      case 'run/didFinish':
      case 'run/didResume':
      case 'run/didStart':
      case 'setup/didRun':
      case 'spec/didParse':
      case 'task/didStart':
      case 'tool/didCall':
      case 'verify/didCheck':
        break;
    }
  }
  for (const effect of unfinishedEffects(events)) {
    const settled = reconcileEffect(effect);
    point.unfinished.push(settled);
    if (settled.resolution === 'inDoubt' && effect.taskId && point.inFlight.has(effect.taskId)) flight(effect.taskId).inDoubt.push(effect);
  }
  return point;
}
