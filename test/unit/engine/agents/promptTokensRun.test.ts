import assert from 'node:assert/strict';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_RUN_SETTINGS } from '../../../../extension/engine/run/runOptions';
import { DEFAULT_ELISION } from '../../../../extension/engine/agents/elideToolResults';
import { exportRunTrace } from '../../../../extension/engine/telemetry/exportRunTrace';
import { formatReport } from '../../../../extension/engine/run/report';
import { eventsOf, runScenario, type RunResult } from '../run/runHarness';
import { implementorInput, LONG_TASK_TURNS, longTaskFiles, longTaskScenario, longTaskSpec } from '../../../fixtures/longImplementorTask';

describe('a long implementor task: elided tool results and the provider’s prompt cache (real engine, simulator)', function () {
  this.timeout(240_000);
  let run: RunResult | undefined;
  before(async () => {
    run = await runScenario({
      files: longTaskFiles,
      spec: longTaskSpec,
      scenario: longTaskScenario(),
      // A window that holds everything: any prompt that shrinks was elided, not compacted.
      options: { maxTurns: LONG_TASK_TURNS + 2, contextWindowTokens: 1_000_000, budgets: { ...DEFAULT_RUN_SETTINGS.budgets, taskTokens: 5_000_000 } },
    });
  });
  after(async () => run?.cleanup());

  it('still succeeds after 30 turns', () => {
    assert.equal(run!.state.status, 'succeeded', formatReport(run!.state));
    assert.equal(implementorInput(run!.events).calls, LONG_TASK_TURNS);
  });

  it('journals the cached tokens the simulator reports, folds them per agent, and every prompt between elisions reads the whole previous prompt from the cache', () => {
    const responses = eventsOf(run!.events, 'model/didRespond').filter((e) => e.agentId.startsWith('impl-scale-'));
    const { keepTurns, blockTurns } = DEFAULT_ELISION;
    let missed = 0;
    for (let i = 1; i < responses.length; i++) {
      const { inputTokens, cachedInputTokens = 0 } = responses[i].usage;
      const previous = responses[i - 1].usage.inputTokens;
      assert.ok(cachedInputTokens <= inputTokens);
      if (previous < 1024) continue; // under the provider's minimum, nothing is cached
      // Request i + 1 follows i assistant turns: elision moves its boundary when i - keepTurns is a whole block.
      const elides = i - keepTurns >= blockTurns && (i - keepTurns) % blockTurns === 0;
      if (elides) {
        if (cachedInputTokens < previous - 128) missed++;
        continue;
      }
      // Between elisions the prefix is byte-identical: all of the previous prompt is cached, less the 128-token block rounding.
      assert.ok(cachedInputTokens >= previous - 128, `turn ${i + 1}: ${cachedInputTokens} cached of a previous prompt of ${previous}`);
    }
    assert.ok(missed >= 3, `old tool results were elided in blocks, each a cache miss from the first stub on (${missed} such turns)`);
    const agent = run!.state.agents.find((a) => a.agentId === responses[0].agentId)!;
    assert.equal(agent.usage.cachedInputTokens, implementorInput(run!.events).cachedInputTokens);
    assert.ok((agent.usage.cachedInputTokens ?? 0) > agent.usage.inputTokens / 2, 'most input was cached');
  });

  it('puts the cached tokens on the chat spans as gen_ai.usage.cache_read.input_tokens', async () => {
    const spans: ReadableSpan[] = [];
    const exporter: SpanExporter = {
      export: (batch, done) => {
        spans.push(...batch);
        done({ code: 0 });
      },
      shutdown: async () => undefined,
    };
    await exportRunTrace(run!.events, exporter);
    const chats = spans.filter((s) => s.name.startsWith('chat ') && s.attributes['gen_ai.agent.id'] === 'impl-scale-1');
    assert.equal(chats.length, LONG_TASK_TURNS);
    const responses = eventsOf(run!.events, 'model/didRespond').filter((e) => e.agentId === 'impl-scale-1');
    assert.deepEqual(
      chats.map((s) => s.attributes['gen_ai.usage.cache_read.input_tokens']),
      responses.map((e) => e.usage.cachedInputTokens),
    );
    assert.ok(chats.some((s) => Number(s.attributes['gen_ai.usage.cache_read.input_tokens']) > 0));
  });
});
