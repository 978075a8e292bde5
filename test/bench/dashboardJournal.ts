// A synthetic journal for the dashboard benchmark: a run with `agents` implementors working in parallel,
// each a loop of model calls, the tool call each asked for, a checkpoint every few turns and now and then
// a failed model call that is retried. Deterministic (no randomness), so every run of the bench sees the
// same journal. Every event validates against the protocol's schema (the webview drops any that do not).
import type { EventBody, RunEvent } from '../../extension/protocol/events';

/** Trace spans: the events the Traces view draws as rows. */
const SPAN_TYPES = new Set<RunEvent['type']>(['model/didRespond', 'model/didFail', 'tool/didCall', 'checkpoint/didCommit']);
const TOOLS = ['read_file', 'search', 'list_files', 'write_file', 'run_command'];
const CHECKPOINT_EVERY = 8;
const FAIL_EVERY = 97;

export interface DashboardJournal {
  /** The run up to now: run start, spec, plan, one task and agent per implementor, then their spans. */
  history: RunEvent[];
  /** The next `count` events of the same agents, round robin, as they would stream in; ts from `startTs`, `stepMs` apart. */
  next(count: number, startTs: number, stepMs: number): RunEvent[];
}

export function isSpan(event: RunEvent): boolean {
  return SPAN_TYPES.has(event.type);
}

/** A run whose history holds `spans` trace spans over `agents` agents. */
export function dashboardJournal(options: { agents: number; spans: number; startTs?: number }): DashboardJournal {
  const agents = Array.from({ length: options.agents }, (_, i) => ({ index: i, taskId: `task-${String(i + 1).padStart(2, '0')}`, agentId: '', turn: 0, step: 0, pending: null as null | { id: string; name: string }, lastAt: 0 }));
  for (const a of agents) a.agentId = `impl-${a.taskId}-1`;
  let ts = options.startTs ?? Date.now() - 10 * 60_000;
  let seq = 0;
  const events: RunEvent[] = [];
  const push = (body: EventBody, at = ts) => {
    const event = { seq: seq++, ts: at, ...body } as RunEvent;
    events.push(event);
    return event;
  };

  push({ type: 'run/didStart', runId: 'run-bench', repo: '/home/dev/src/bench', baseCommit: 'a'.repeat(40), baseBranch: 'main', specPath: 'SPEC.md', specRevision: 'sha256:bench', model: 'gpt-4.1-mini', concurrency: options.agents });
  push({ type: 'spec/didParse', requirements: agents.map((a) => ({ id: `R${a.index + 1}`, title: `requirement ${a.index + 1}` })) });
  push({
    type: 'plan/didAccept',
    plan: {
      tasks: agents.map((a) => ({
        id: a.taskId,
        title: `Implement ${a.taskId}`,
        instructions: `Add src/${a.taskId}.js and its tests.`,
        requirementIds: [`R${a.index + 1}`],
        fileScope: [`src/${a.taskId}.js`, `test/${a.taskId}.test.js`],
        dependsOn: a.index > 0 && a.index % 4 === 0 ? [agents[a.index - 1].taskId] : [],
        acceptance: [{ kind: 'failToPass', command: ['node', '--test', `test/${a.taskId}.test.js`], testFiles: [`test/${a.taskId}.test.js`], testsBy: 'testAuthor' }],
      })),
    },
  } as EventBody);
  for (const a of agents) {
    push({ type: 'task/didStart', taskId: a.taskId, attempt: 1 });
    push({ type: 'agent/didStart', agentId: a.agentId, taskId: a.taskId, role: 'implementor', threadId: a.index + 2, model: 'gpt-4.1-mini', budgetTokens: 50_000_000, attempt: 1 });
  }

  /** The next event of agent `a`: model call → its tool call → (every few turns) a checkpoint; a failure now and then. */
  const step = (a: (typeof agents)[number], at: number): EventBody => {
    a.step++;
    // A call runs from just after the agent's previous event until it is journaled.
    const since = a.lastAt && a.lastAt < at ? a.lastAt + 1 : at - 1;
    a.lastAt = at;
    const ref = { agentId: a.agentId, taskId: a.taskId };
    if (a.pending) {
      const call = a.pending;
      a.pending = null;
      return { type: 'tool/didCall', ...ref, turn: a.turn, server: 'loom', tool: call.name, callId: call.id, startedAt: since, durationMs: at - since, ok: a.step % 31 !== 0, summary: `${call.name}: ${a.step} lines` };
    }
    if (a.turn > 0 && a.turn % CHECKPOINT_EVERY === 0 && a.step % 3 === 0) {
      const turn = a.turn;
      a.turn++;
      return {
        type: 'checkpoint/didCommit',
        ...ref,
        turn,
        commit: (a.index.toString(16) + turn.toString(16)).padEnd(40, 'c'),
        messages: [
          { role: 'system', content: 'You are a Loom implementor.' },
          { role: 'assistant', content: `Checkpoint after turn ${turn}.`, toolCalls: [] },
        ],
      };
    }
    if (a.step % FAIL_EVERY === 0) return { type: 'model/didFail', ...ref, turn: a.turn + 1, errorKind: 'rateLimited', message: '429 Too Many Requests', attempt: 1, willRetry: true, retryAfterMs: 500 };
    a.turn++;
    const name = TOOLS[(a.turn + a.index) % TOOLS.length];
    a.pending = { id: `call_${a.index}_${a.turn}`, name };
    return {
      type: 'model/didRespond',
      ...ref,
      model: 'gpt-4.1-mini',
      turn: a.turn,
      startedAt: since,
      durationMs: at - since,
      usage: { inputTokens: 2000 + ((a.turn * 37) % 900), outputTokens: 60 + ((a.turn * 13) % 120) },
      finishReason: 'tool_calls',
      content: null,
      toolCalls: [{ id: a.pending.id, name, arguments: JSON.stringify({ path: `src/${a.taskId}.js` }) }],
    };
  };

  let turnOf = 0;
  let spans = 0;
  while (spans < options.spans) {
    ts += 5;
    push(step(agents[turnOf++ % agents.length], ts));
    spans++;
  }
  return {
    history: events.slice(),
    next(count, startTs, stepMs) {
      return Array.from({ length: count }, (_, i) => {
        const at = startTs + i * stepMs;
        return push(step(agents[turnOf++ % agents.length], at), at);
      });
    },
  };
}
