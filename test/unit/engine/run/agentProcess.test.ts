import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AgentThread } from '../../../../extension/engine/run/agentProcess';
import type { AgentJob } from '../../../../extension/protocol/workerMessages';
import { makeTempDir } from '../../../fixtures/gitRepo';

const KEY = `sk-proj-${'Q7'.repeat(24)}`;

/** A worker that prints a secret on both streams, then ends the way the agent worker does. */
const LEAKY_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', () => {
  console.log('stdout has ${KEY}');
  console.error('stderr has ${KEY}');
  setTimeout(() => parentPort.postMessage({ type: 'agent/didEnd', outcome: { kind: 'completed', message: 'ok', next: 'none' }, usage: { inputTokens: 0, outputTokens: 0 }, output: null }), 50);
});
`;

/** A worker that reports a model call, then ends badly the way its job says. */
const DYING_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (message) => {
  const how = message.job.agentId;
  const usage = { inputTokens: 120, outputTokens: 30 };
  parentPort.postMessage({ type: 'agent/didEmit', event: { type: 'model/didRespond', agentId: how, model: 'm', turn: 1, startedAt: 0, durationMs: 1, usage, finishReason: 'stop', content: 'hi', toolCalls: [] } });
  setTimeout(() => {
    if (how === 'oom') { const hoard = []; for (;;) hoard.push(new Array(100000).fill(hoard.length)); }
    if (how === 'exit') process.exit(7);
    throw new Error('boom in the job');
  }, 50);
});
`;

const JOB = { role: 'coordinator', runId: 'r', agentId: 'a', spec: { title: 't', overview: '', requirements: [], revision: 'x' }, repoFiles: [], endpoint: { baseUrl: '', model: 'm', apiKey: 'k', timeoutMs: 1000, maxRetries: 0, headers: [] }, budgetTokens: 10 } as AgentJob;

describe('engine/run/agentProcess', () => {
  it('ends a worker that throws, exits or runs out of memory with one crash outcome in a line, counting the usage it reported', async () => {
    const dir = await makeTempDir('loom-worker-');
    const script = path.join(dir.dir, 'dying.js');
    fs.writeFileSync(script, DYING_WORKER);
    try {
      const outcomes: Record<string, unknown> = {};
      for (const how of ['throw', 'exit', 'oom']) {
        const thread = new AgentThread(script, { ...JOB, agentId: how }, () => undefined, undefined, undefined, undefined, 64);
        const end = await thread.done;
        await thread.dispose();
        outcomes[how] = [end.outcome.kind, end.outcome.next, end.outcome.message, end.usage.inputTokens + end.usage.outputTokens];
      }
      assert.deepEqual(outcomes, {
        throw: ['crashed', 'retry', "the agent's worker thread crashed: boom in the job", 150],
        exit: ['crashed', 'retry', "the agent's worker thread exited (code 7) without a result", 150],
        oom: ['crashed', 'retry', "the agent's worker thread crashed: it ran out of memory", 150],
      });
    } finally {
      await dir.cleanup();
    }
  });

  it("redacts what a worker thread prints before it reaches Loom's own output", async () => {
    const dir = await makeTempDir('loom-worker-');
    const script = path.join(dir.dir, 'leaky.js');
    fs.writeFileSync(script, LEAKY_WORKER);
    const written: string[] = [];
    const original = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    const capture = (chunk: string | Uint8Array): boolean => {
      written.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
      const thread = new AgentThread(script, JOB, () => undefined);
      assert.equal((await thread.done).outcome.kind, 'completed');
      await new Promise((r) => setTimeout(r, 100));
      await thread.dispose();
    } finally {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
      await dir.cleanup();
    }
    const text = written.join('');
    assert.match(text, /stdout has \[redacted/);
    assert.match(text, /stderr has \[redacted/);
    assert.ok(!text.includes(KEY), text);
  });
});
