import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import { exportRunTrace, tracesUrl } from '../../../../extension/engine/telemetry/exportRunTrace';
import { spanAttribute, startCollector, type OtlpSpan } from '../../../fixtures/otlpCollector';

const attr = spanAttribute;

describe('engine/telemetry/exportRunTrace', () => {
  it('exports a recorded run as GenAI spans over OTLP/HTTP, parented workflow > agent > chat/tool', async () => {
    const { events } = readJournal(join(__dirname, '..', '..', '..', 'fixtures', 'recordedRun.jsonl'));
    const c = await startCollector();
    try {
      const count = await exportRunTrace(events, { url: c.url });
      assert.ok(count > 10);
      assert.ok(c.paths.every((p) => p === '/v1/traces'));
      const spans: OtlpSpan[] = c.spans();
      assert.equal(spans.length, count);
      const root = spans.find((s) => s.name === 'invoke_workflow loom')!;
      assert.ok(root && !root.parentSpanId);
      const agentStarts = events.filter((e) => e.type === 'agent/didStart');
      const agentSpans = spans.filter((s) => s.name.startsWith('invoke_agent ') || s.name.startsWith('plan '));
      assert.equal(agentSpans.length, agentStarts.length);
      assert.ok(agentSpans.every((s) => s.parentSpanId === root.spanId));

      const responses = events.filter((e) => e.type === 'model/didRespond');
      const chats = spans.filter((s) => s.name.startsWith('chat '));
      assert.equal(chats.length, responses.length);
      const chat = chats[0];
      assert.equal(attr(chat, 'gen_ai.operation.name'), 'chat');
      assert.ok(Number(attr(chat, 'gen_ai.usage.input_tokens')) > 0);
      assert.ok(agentSpans.some((a) => a.spanId === chat.parentSpanId));

      const tools = spans.filter((s) => s.name.startsWith('execute_tool '));
      assert.equal(tools.length, events.filter((e) => e.type === 'tool/didCall').length);
      assert.ok(tools.every((t) => attr(t, 'gen_ai.tool.name')));
      assert.ok(root.events?.some((e) => e.name === 'loom.conflict'));
      assert.ok(root.events?.some((e) => e.name === 'loom.escalation'));
    } finally {
      await c.close();
    }
  });

  it('builds the traces URL from a collector base or keeps a full one', () => {
    assert.equal(tracesUrl('http://127.0.0.1:4318'), 'http://127.0.0.1:4318/v1/traces');
    assert.equal(tracesUrl('http://127.0.0.1:4318/v1/traces/'), 'http://127.0.0.1:4318/v1/traces');
    assert.equal(tracesUrl('https://cloud.langfuse.com/api/public/otel'), 'https://cloud.langfuse.com/api/public/otel');
  });
});
