import type { ChatMessage } from '../../protocol/chat';
import type { EventBody } from '../../protocol/events';
import type { ImplementJob } from '../../protocol/workerMessages';
import type { TaskResult } from '../../protocol/taskResult';
import type { AgentOutcome, Usage } from '../../protocol/usage';
import { TaskResultSchema } from '../../protocol/taskResult';
import { effectKey } from '../../protocol/effects';
import { ModelError, type ModelProvider } from '../models/modelProvider';
import type { AgentTools } from '../tools/agentTools';
import { TokenBudget } from './tokenBudget';
import { modelErrorOutcome } from './modelErrorOutcome';
import { completeToolCalls } from './completeToolCalls';
import { LoopDetector } from './loopDetector';
import { CheckpointDelta } from './checkpointDelta';
import { compactContext } from './compactContext';
import { DEFAULT_ELISION, elideToolResults } from './elideToolResults';
import { testAuthorMessages } from './testAuthorPrompt';
import { findingsMessage, implementorMessages, mergerMessages, NUDGE_REPEATING, NUDGE_USE_TOOLS } from './implementorPrompt';

export interface ImplementorDeps {
  provider: ModelProvider;
  tools: AgentTools;
  /** Reports an effect for the journal. */
  emit: (event: EventBody) => void;
  /** Commits the worktree if anything changed (calling `beforeCommit` first); returns the commit or null. */
  checkpoint: (turn: number, beforeCommit: () => void) => Promise<string | null>;
  signal: AbortSignal;
  /** Notices from the coordinator since the last turn (a predicted conflict with another task): added as user messages before the next model call. */
  takeNotices?: () => string[];
  /**
   * The tools' servers still starting behind the first model call: settles with why they could not
   * (the agent then ends with a toolError to retry), or null. Absent: they have started.
   */
  toolsReady?: Promise<string | null>;
  now?: () => number;
}

export interface ImplementorEnd {
  outcome: AgentOutcome;
  usage: Usage;
  result: TaskResult | null;
}

const SUMMARY_LIMIT = 500;

/** The implementor's turn loop: call the model, run its tool calls, checkpoint, until report_result or a stop. */
export async function runImplementor(job: ImplementJob, deps: ImplementorDeps): Promise<ImplementorEnd> {
  const now = deps.now ?? Date.now;
  // What this agent has used; the provider (BudgetedProvider) is what enforces the limit.
  const spent = new TokenBudget(job.budgetTokens);
  const loops = new LoopDetector();
  // Each checkpoint journals only what is new in the conversation, not all of it again.
  const journaledConversation = new CheckpointDelta();
  const ref = { agentId: job.agentId, taskId: job.task.id };
  const opening = job.role === 'merger' ? mergerMessages : job.role === 'testAuthor' ? testAuthorMessages : implementorMessages;
  // A checkpoint taken between a tool call and its result is cut back to the last whole turn.
  const resumed = completeToolCalls(job.resumeMessages);
  const messages: ChatMessage[] = resumed.length ? resumed : opening(job.spec, job.task);
  if (job.findings.length) messages.push(findingsMessage(job.findings));
  for (const note of job.resumeNotes ?? []) messages.push({ role: 'user', content: note });

  const end = (kind: AgentOutcome['kind'], message: string, next: AgentOutcome['next'], result: TaskResult | null = null): ImplementorEnd => ({
    outcome: { kind, message, next },
    usage: spent.usage,
    result,
  });

  // A turn's checkpoint commits while the next model call is out: no tool runs meanwhile, so the worktree holds
  // still, and its git commands leave the agent's path. It is settled before that call's response is journaled,
  // so the journal's order is the agent's, and before the agent ends. One that fails cancels the call at once
  // (the agent ends with its error), rather than after a response nobody would journal.
  let committing: Promise<void> | null = null;
  let checkpointFailed = new AbortController();
  const settleCheckpoint = async (): Promise<void> => {
    const pending = committing;
    committing = null;
    await pending;
  };
  try {
    return await turns();
  } finally {
    await settleCheckpoint();
  }

  async function turns(): Promise<ImplementorEnd> {
    for (let turn = 1; turn <= job.maxTurns; turn++) {
      if (deps.signal.aborted) return end('stopped', String(deps.signal.reason ?? 'stopped'), 'stop');
      for (const notice of deps.takeNotices?.() ?? []) messages.push({ role: 'user', content: notice });
      // Old tool results become stubs a block of turns at a time; the pinned prefix and the latest file contents stay.
      if (job.elision !== false) elideToolResults(messages, job.elision ?? DEFAULT_ELISION);
      const compacted = compactContext(messages, job.contextWindowTokens);
      if (compacted) deps.emit({ type: 'agent/didWarn', ...ref, kind: 'compaction', message: `${compacted} older tool result(s) cut to fit the ${job.contextWindowTokens}-token context window` });

      const startedAt = now();
      let response;
      try {
        response = await deps.provider.chat({
          messages,
          tools: deps.tools.specs,
          signal: AbortSignal.any([deps.signal, checkpointFailed.signal]),
          onRetry: ({ attempt, error, delayMs }) =>
            deps.emit({ type: 'model/didFail', ...ref, turn, errorKind: error.kind, message: error.message, attempt, willRetry: true, retryAfterMs: delayMs }),
        });
      } catch (err) {
        await settleCheckpoint();
        if (err instanceof ModelError) {
          if (err.kind !== 'cancelled') deps.emit({ type: 'model/didFail', ...ref, turn, errorKind: err.kind, message: err.message, attempt: 0, willRetry: false });
          const outcome = modelErrorOutcome(err, err.retryable ? 'retry' : 'escalate');
          return end(outcome.kind, outcome.message, outcome.next);
        }
        throw err;
      }
      await settleCheckpoint();
      spent.record(response.usage);
      deps.emit({
        type: 'model/didRespond',
        ...ref,
        model: response.model,
        turn,
        startedAt,
        durationMs: now() - startedAt,
        usage: response.usage,
        finishReason: response.finishReason,
        content: response.content,
        toolCalls: response.toolCalls,
      });
      messages.push({ role: 'assistant', content: response.content, toolCalls: response.toolCalls });

      if (response.toolCalls.length === 0) {
        if (loops.onIdleTurn() === 'stop') return end('loopDetected', 'the model stopped using tools without reporting a result', 'retry');
        messages.push(NUDGE_USE_TOOLS);
        continue;
      }

      const notStarted = await deps.toolsReady;
      if (notStarted) return end('toolError', notStarted, 'retry');

      let reported: TaskResult | null = null;
      let repeating = false;
      // A turn of read-only calls cannot change the worktree: no checkpoint to take (its git commands are not free).
      let mayHaveChanged = false;
      for (const call of response.toolCalls) {
        const verdict = loops.onToolCall(call.name, call.arguments);
        if (verdict === 'stop') {
          deps.emit({ type: 'agent/didWarn', ...ref, kind: 'loop', message: `repeated ${call.name} call; stopping` });
          await saveCheckpoint(turn);
          return end('loopDetected', `repeated the same ${call.name} call`, 'retry');
        }
        if (verdict === 'nudge') repeating = true;
        const spec = deps.tools.specs.find((s) => s.name === call.name);
        if (!spec?.readOnly) mayHaveChanged = true;
        if (spec && !spec.readOnly) {
          // A call that can change something: its intent is journaled under the key its tool/didCall completes.
          deps.emit({ type: 'effect/willApply', key: effectKey.tool(job.agentId, turn, call.id), kind: 'tool', ...ref, server: spec.server, what: `${call.name}(${call.arguments.slice(0, SUMMARY_LIMIT)})` });
        }
        const callStarted = now();
        const outcome = await deps.tools.call(call.name, call.arguments, { signal: deps.signal });
        deps.emit({
          type: 'tool/didCall',
          ...ref,
          turn,
          server: outcome.server,
          tool: call.name,
          callId: call.id,
          startedAt: callStarted,
          durationMs: now() - callStarted,
          ok: outcome.ok,
          summary: outcome.text.slice(0, SUMMARY_LIMIT),
        });
        messages.push({ role: 'tool', toolCallId: call.id, content: outcome.text });
        if (call.name === 'report_result' && outcome.ok) {
          const parsed = TaskResultSchema.safeParse(outcome.structured);
          if (parsed.success) reported = parsed.data;
        }
      }
      if (repeating) {
        deps.emit({ type: 'agent/didWarn', ...ref, kind: 'loop', message: 'repeated tool call; nudging' });
        messages.push(NUDGE_REPEATING);
      }
      // The reporting turn always commits, before the agent ends: the result is the branch head, whatever a server's annotations claimed.
      if (reported) {
        await saveCheckpoint(turn);
        return end('completed', reported.summary, 'none', reported);
      }
      if (mayHaveChanged) {
        const failed = (checkpointFailed = new AbortController());
        committing = saveCheckpoint(turn);
        committing.catch(() => failed.abort()); // the error itself is thrown where it is settled
      }
    }
    return end('iterationCap', `no result after ${job.maxTurns} turns`, 'retry');
  }

  async function saveCheckpoint(turn: number): Promise<void> {
    // The conversation as the turn left it: the next turn replaces messages (elision, compaction) while this commits.
    const conversation = [...messages];
    const commit = await deps.checkpoint(turn, () =>
      deps.emit({ type: 'effect/willApply', key: effectKey.checkpoint(job.agentId, turn), kind: 'checkpoint', ...ref, what: `checkpoint commit of turn ${turn}` }),
    );
    if (commit) deps.emit({ type: 'checkpoint/didCommit', ...ref, turn, commit, ...journaledConversation.next(conversation) });
  }
}
