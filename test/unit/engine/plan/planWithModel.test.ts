import assert from 'node:assert/strict';
import { extractJson, planWithModel, type PlanAttemptInfo } from '../../../../extension/engine/plan/planWithModel';
import { buildPlanMessages, PLAN_SYSTEM_PROMPT } from '../../../../extension/engine/plan/planPrompt';
import { ModelError, type ChatRequest, type ChatResponse, type ModelProvider } from '../../../../extension/engine/models/modelProvider';
import type { Spec } from '../../../../extension/protocol/spec';

const spec: Spec = {
  title: 'textkit',
  overview: 'String helpers.',
  revision: 'abcdef0123456789',
  requirements: [
    { id: 'R1', title: 'slugify', text: 'Make slugs.', acceptance: ['slugify works'], line: 3 },
    { id: 'R2', title: 'truncate', text: 'Cut text.', acceptance: ['truncate works'], line: 8 },
  ],
};

const validPlan = {
  tasks: [
    { id: 'slugify', title: 'Add slugify', instructions: 'Write it.', requirementIds: ['R1'], fileScope: ['src/slugify.js'], coverage: [{ requirementId: 'R1', criterion: 'slugify works', shownBy: 'test/slugify.test.js' }] },
    {
      id: 'truncate',
      title: 'Add truncate',
      instructions: 'Write it.',
      requirementIds: ['R2'],
      fileScope: ['src/truncate.js'],
      dependsOn: ['slugify'],
      coverage: [{ requirementId: 'R2', criterion: 'truncate works', shownBy: 'test/truncate.test.js' }],
    },
  ],
};
const planMissingR2 = { tasks: [validPlan.tasks[0]] };

/** A fake of the far side of the ModelProvider port: returns scripted replies and records requests. */
class ScriptedProvider implements ModelProvider {
  readonly model = 'scripted';
  readonly requests: ChatRequest[] = [];
  constructor(private readonly replies: (string | Error)[]) {}

  async chat(request: ChatRequest): Promise<ChatResponse> {
    this.requests.push({ ...request, messages: structuredClone(request.messages) });
    const next = this.replies.shift();
    if (next === undefined) throw new Error('no scripted reply left');
    if (next instanceof Error) throw next;
    return { content: next, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 100, outputTokens: 10 }, model: this.model };
  }
}

describe('engine/plan/planWithModel', () => {
  it('accepts a valid plan on the first call', async () => {
    const provider = new ScriptedProvider([JSON.stringify(validPlan)]);
    const responses: number[] = [];
    const attempts: PlanAttemptInfo[] = [];
    const r = await planWithModel({ provider, spec, repoFiles: ['package.json'], onResponse: (_res, n) => responses.push(n), onAttempt: (i) => attempts.push(i) });
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
    assert.equal(r.attempts, 1);
    assert.deepEqual(r.plan.tasks.map((t) => t.id), ['slugify', 'truncate']);
    assert.deepEqual(r.usage, { inputTokens: 100, outputTokens: 10 });
    assert.deepEqual(responses, [1]);
    assert.deepEqual(attempts, [{ attempt: 1, ok: true, errors: [] }]);
    const [req] = provider.requests;
    assert.deepEqual(req.tools, []);
    assert.equal(req.messages.length, 2);
    assert.deepEqual(req.messages[0], { role: 'system', content: PLAN_SYSTEM_PROMPT });
    assert.match(req.messages[1].content ?? '', /## R2: truncate/);
    assert.match(req.messages[1].content ?? '', /package\.json/);
  });

  it('accepts a ```json fenced block', async () => {
    const provider = new ScriptedProvider([`Here is the plan:\n\n\`\`\`json\n${JSON.stringify(validPlan, null, 2)}\n\`\`\`\n`]);
    const r = await planWithModel({ provider, spec, repoFiles: [] });
    assert.ok(r.ok);
    assert.equal(r.attempts, 1);
  });

  it('repairs an invalid plan, sending the reply and the errors back', async () => {
    const first = JSON.stringify(planMissingR2);
    const provider = new ScriptedProvider([first, JSON.stringify(validPlan)]);
    const attempts: PlanAttemptInfo[] = [];
    const r = await planWithModel({ provider, spec, repoFiles: [], onAttempt: (i) => attempts.push(i) });
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
    assert.equal(r.attempts, 2);
    assert.deepEqual(r.usage, { inputTokens: 200, outputTokens: 20 });
    const repair = provider.requests[1].messages;
    assert.equal(repair.length, 4);
    assert.deepEqual(repair[2], { role: 'assistant', content: first, toolCalls: [] });
    assert.equal(repair[3].role, 'user');
    assert.match(repair[3].content ?? '', /Your plan was rejected/);
    assert.match(repair[3].content ?? '', /- requirement R2 \(truncate\) is not covered by any task/);
    assert.deepEqual(attempts.map((a) => a.ok), [false, true]);
    assert.deepEqual(attempts[0].errors, [`requirement R2 (truncate) is not covered by any task: add it to a task's requirementIds and quote its criteria in that task's coverage (R2's criteria: "truncate works")`]);
    assert.equal(r.messages.length, 5);
  });

  it('fails with the last errors when the repair is still invalid', async () => {
    const cyclic = { tasks: [{ ...validPlan.tasks[0], dependsOn: ['truncate'] }, validPlan.tasks[1]] };
    const provider = new ScriptedProvider([JSON.stringify(planMissingR2), JSON.stringify(cyclic), JSON.stringify(validPlan)]);
    const responses: number[] = [];
    const r = await planWithModel({ provider, spec, repoFiles: [], onResponse: (_res, n) => responses.push(n) });
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.equal(r.attempts, 2);
    assert.equal(provider.requests.length, 2);
    assert.deepEqual(responses, [1, 2]);
    assert.deepEqual(r.errors, ['dependency cycle: slugify -> truncate -> slugify (each task depends on the next); remove one of these dependencies']);
  });

  it('treats garbage as a validation error and repairs it', async () => {
    const provider = new ScriptedProvider(['Sure! I will plan: first slugify, then truncate.', JSON.stringify(validPlan)]);
    const r = await planWithModel({ provider, spec, repoFiles: [] });
    assert.ok(r.ok);
    assert.equal(r.attempts, 2);
    const repair = provider.requests[1].messages[3].content ?? '';
    assert.match(repair, /- response is not JSON: expected a JSON object or a ```json fenced block \(the reply starts with "Sure! I will plan/);
  });

  it('reports JSON syntax errors', () => {
    const r = extractJson({ content: '{"tasks": [', toolCalls: [] });
    assert.ok(!r.ok);
    assert.match(r.error, /^response is not JSON: .*JSON/);
    const empty = extractJson({ content: null, toolCalls: [{ id: '1', name: 'x', arguments: '{}' }] });
    assert.ok(!empty.ok);
    assert.match(empty.error, /no text \(it made 1 tool call\(s\) instead\)/);
  });

  it('propagates model errors', async () => {
    const provider = new ScriptedProvider([new ModelError('auth', 'bad key', false, undefined, 401)]);
    await assert.rejects(planWithModel({ provider, spec, repoFiles: [] }), (e: unknown) => e instanceof ModelError && e.kind === 'auth');
  });

  it('stops before the repair call when cancelled', async () => {
    const controller = new AbortController();
    const provider = new ScriptedProvider(['nope', JSON.stringify(validPlan)]);
    const p = planWithModel({ provider, spec, repoFiles: [], signal: controller.signal, onResponse: () => controller.abort() });
    await assert.rejects(p, (e: unknown) => e instanceof ModelError && e.kind === 'cancelled');
    assert.equal(provider.requests.length, 1);
  });

  it('lists at most a bounded number of repo files in the prompt', () => {
    const files = Array.from({ length: 2000 }, (_, i) => `f${String(i).padStart(4, '0')}.js`);
    const user = buildPlanMessages(spec, files)[1].content ?? '';
    assert.match(user, /… and 500 more files/);
    assert.match(user, /<repository-files count="2000">/);
  });
});
