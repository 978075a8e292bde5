import assert from 'node:assert/strict';
import type { z } from 'zod';
import { ENDPOINT, JOB_SHAPES, MESSAGE_SHAPES, RELAY_ERROR, toWorkerCheck } from '../../../extension/protocol/workerMessageCheck';
import { ImplementJobSchema, ModelEndpointSchema, PlanJobSchema, ToWorkerSchema, VerifyJobSchema, type AgentJob, type ToWorker } from '../../../extension/protocol/workerMessages';
import { RelayErrorSchema } from '../../../extension/protocol/modelRelay';
import { DEFAULT_ACTION_POLICY } from '../../../extension/protocol/policy';

const spec = { title: 't', overview: '', requirements: [{ id: 'R1', title: 'one', text: 'one', acceptance: ['works'], line: 1 }], revision: 'x' };
const task = { id: 't1', title: 'one', instructions: 'do it', requirementIds: ['R1'], fileScope: ['src/**'] };
const endpoint = { baseUrl: 'http://127.0.0.1:1/v1', model: 'm', apiKey: 'k', timeoutMs: 1000, maxRetries: 0 };
const sandbox = { kind: 'none', summary: 'unconfined' };

// Each job as the coordinator sends it: zod's output (defaults filled in), as the TypeScript type requires.
const jobs: Record<string, AgentJob> = {
  implementor: ImplementJobSchema.parse({
    role: 'implementor', runId: 'r', agentId: 'a', attempt: 1, spec, task, worktree: '/w', endpoint, mcpServers: [{ name: 'loom', command: 'node' }],
    sandbox, budgetTokens: 10, maxTurns: 3, policy: DEFAULT_ACTION_POLICY, commandAllowlist: [],
  }),
  coordinator: PlanJobSchema.parse({ role: 'coordinator', runId: 'r', agentId: 'c', spec, repoFiles: [], endpoint, budgetTokens: 10 }),
  verifier: VerifyJobSchema.parse({
    role: 'verifier', runId: 'r', agentId: 'v', attempt: 1, spec, task, result: { status: 'done', summary: 's' }, repo: '/r', baseCommit: 'b', startCommit: 's', headCommit: 'h',
    scratchDir: '/s', endpoint, budgetTokens: 10, commandAllowlist: [], sandbox, lintCommand: null, flakeReruns: 0, commandTimeoutMs: 1000,
  }),
};

const messages: ToWorker[] = [
  ...Object.values(jobs).map((job) => ({ type: 'agent/start' as const, job })),
  { type: 'agent/stop', reason: 'stopped' },
  { type: 'agent/notice', text: 'a conflict' },
  { type: 'model/didAnswer', requestId: 1, response: { content: 'hi', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, model: 'm' } },
  { type: 'model/didFail', requestId: 1, error: { kind: 'timeout', message: 'slow', retryable: true } },
  { type: 'model/didAdmit', requestId: 1, maxOutputTokens: 100 },
  { type: 'model/didRefuse', requestId: 1, kind: 'budget', message: 'over' },
  { type: 'approval/didAnswer', requestId: 1, approved: false, by: 'timeout', escalationId: null, message: 'no answer' },
];

/** A value of each kind a field can have: the check must refuse what zod refuses (but may leave nested content to the role). */
const KINDS: unknown[] = ['x', 2.5, 3, -1, true, false, null, [], {}];

function replaced(message: ToWorker, path: string[], value: unknown): unknown {
  const copy = structuredClone(message) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  if (value === undefined) delete at[path[path.length - 1]];
  else at[path[path.length - 1]] = value;
  return copy;
}

/** Every field the check knows of in `message` (top level, the job's, its endpoint's, a failure's error), by path. */
function fieldPaths(message: ToWorker): string[][] {
  const paths = Object.keys(MESSAGE_SHAPES[message.type]).map((k) => [k]);
  if (message.type === 'agent/start') {
    paths.push(...Object.keys(JOB_SHAPES[message.job.role]).map((k) => ['job', k]));
    paths.push(...Object.keys(ENDPOINT).map((k) => ['job', 'endpoint', k]));
  }
  if (message.type === 'model/didFail') paths.push(...Object.keys(RELAY_ERROR).map((k) => ['error', k]));
  return paths;
}

describe('protocol/workerMessageCheck', () => {
  it('accepts every message a coordinator sends, unchanged', () => {
    for (const message of messages) {
      assert.ok(ToWorkerSchema.safeParse(message).success, `sample ${message.type} is valid`);
      const checked = toWorkerCheck.safeParse(message);
      assert.ok(checked.success, `${message.type}: ${JSON.stringify(!checked.success && checked.error.issues)}`);
      assert.deepEqual(checked.data, message);
    }
  });

  it('knows every field of ToWorkerSchema, each job schema, the endpoint and a relayed error, and no other', () => {
    const byType = new Map(ToWorkerSchema.options.map((o) => [o.shape.type.value, Object.keys(o.shape).filter((k) => k !== 'type')]));
    assert.deepEqual(Object.keys(MESSAGE_SHAPES).sort(), [...byType.keys()].sort());
    for (const [type, keys] of byType) assert.deepEqual(Object.keys(MESSAGE_SHAPES[type]).sort(), keys.sort(), type);
    const roleKeys = (schema: z.ZodObject) => Object.keys(schema.shape).filter((k) => k !== 'role').sort();
    for (const role of ['testAuthor', 'implementor', 'merger']) assert.deepEqual(Object.keys(JOB_SHAPES[role]).sort(), roleKeys(ImplementJobSchema), role);
    assert.deepEqual(Object.keys(JOB_SHAPES.coordinator).sort(), roleKeys(PlanJobSchema));
    assert.deepEqual(Object.keys(JOB_SHAPES.verifier).sort(), roleKeys(VerifyJobSchema));
    assert.deepEqual(Object.keys(ENDPOINT).sort(), Object.keys(ModelEndpointSchema.shape).sort());
    assert.deepEqual(Object.keys(RELAY_ERROR).sort(), Object.keys(RelayErrorSchema.shape).sort());
  });

  it('refuses a missing field unless the schema leaves it out of its output (optional, no default)', () => {
    for (const message of messages) {
      for (const path of fieldPaths(message)) {
        if (message.type === 'model/didAnswer' && path[0] === 'response') continue; // checked by its schema where it arrives
        const without = replaced(message, path, undefined);
        const parsed = ToWorkerSchema.safeParse(without);
        const leftOut = parsed.success && valueAt(parsed.data, path) === undefined;
        assert.equal(toWorkerCheck.safeParse(without).success, leftOut, `${message.type} without ${path.join('.')}`);
      }
    }
  });

  it('refuses a field of the wrong kind as zod does; only nested content is left to the role', () => {
    for (const message of messages) {
      for (const path of fieldPaths(message)) {
        for (const value of KINDS) {
          const input = replaced(message, path, value);
          const zodOk = ToWorkerSchema.safeParse(input).success;
          const checkOk = toWorkerCheck.safeParse(input).success;
          const what = `${message.type} with ${path.join('.')} = ${JSON.stringify(value)}`;
          if (zodOk) assert.ok(checkOk, `accepts ${what}`);
          else if (checkOk) assert.ok(Array.isArray(value) || (typeof value === 'object' && value !== null), `refuses ${what}`);
        }
      }
    }
  });

  it('refuses what is not a message, an unknown type or role, and says where', () => {
    for (const raw of [null, 'agent/stop', [], { type: 'agent/explode' }, { reason: 'x' }]) assert.equal(toWorkerCheck.safeParse(raw).success, false, JSON.stringify(raw));
    const noSpec = replaced(messages[1], ['job', 'spec'], undefined);
    const refused = toWorkerCheck.safeParse(noSpec);
    assert.ok(!refused.success);
    assert.deepEqual(refused.error.issues, [{ path: ['job', 'spec'], message: 'expected object, got undefined' }]);
    const badRole = toWorkerCheck.safeParse(replaced(messages[0], ['job', 'role'], 'janitor'));
    assert.ok(!badRole.success && badRole.error.issues[0].message === 'unknown role "janitor"');
  });
});

function valueAt(data: unknown, path: string[]): unknown {
  return path.reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], data);
}
