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

describe('engine/run/agentProcess', () => {
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
      const job = { role: 'coordinator', runId: 'r', agentId: 'a', spec: { title: 't', overview: '', requirements: [], revision: 'x' }, repoFiles: [], endpoint: { baseUrl: '', model: 'm', apiKey: 'k', timeoutMs: 1000, maxRetries: 0, headers: [] }, budgetTokens: 10 } as AgentJob;
      const thread = new AgentThread(script, job, () => undefined);
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
