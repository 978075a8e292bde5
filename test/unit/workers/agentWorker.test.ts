import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AgentThread } from '../../../extension/engine/run/agentProcess';
import type { AgentJob } from '../../../extension/protocol/workerMessages';
import { BUNDLE, requireBuild } from '../engine/run/runHarness';

const JOB = { role: 'coordinator', runId: 'r', agentId: 'a', spec: { title: 't', overview: '', requirements: [], revision: 'x' }, repoFiles: [], endpoint: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'k', timeoutMs: 1000, maxRetries: 0, headers: [] }, budgetTokens: 10 } as AgentJob;

/** The files a bundle loads before running anything: itself and what it imports statically, transitively. */
function staticClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // esbuild writes a chunk's static imports as `import { a } from "./chunks/x.js";` or `import "./chunks/x.js";` (dynamic ones as `import("./x.js")`).
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^import\s(?:[^;]*?\sfrom\s)?"(\.[^"]+)"/gm)) visit(resolve(dirname(file), spec));
  };
  visit(entry);
  return [...seen];
}

describe('workers/agentWorker (the built bundle)', () => {
  before(() => requireBuild());

  it('refuses a job its coordinator got wrong with one crash outcome naming the field, and runs nothing', async () => {
    const events: string[] = [];
    const noSpec = { ...JOB, spec: undefined } as unknown as AgentJob;
    const thread = new AgentThread(BUNDLE.agentWorker, noSpec, (event) => events.push(event.type));
    const end = await thread.done;
    await thread.dispose();
    assert.deepEqual(end.outcome, { kind: 'crashed', message: 'invalid message from coordinator: job.spec: expected object, got undefined', next: 'stop' });
    assert.deepEqual(events, []);
  });

  it('loads neither zod nor any role before its first message', () => {
    const files = staticClosure(BUNDLE.agentWorker);
    assert.ok(files.length > 1, `the entry imports its shared chunks: ${files.join(', ')}`);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes('ZodError'), `${file} holds zod`);
      assert.ok(!/function (runAgentJob|runImplementorJob|runCoordinatorJob|runVerifierJob)\b/.test(text), `${file} holds a role`);
    }
  });
});
