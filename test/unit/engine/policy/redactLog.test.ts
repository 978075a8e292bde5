import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage } from '../../../../extension/protocol/chat';
import type { RunEvent } from '../../../../extension/protocol/events';
import { redactLog } from '../../../../extension/engine/policy/redactLog';
import { SecretRedactor } from '../../../../extension/engine/policy/secretRedaction';
import { JournalWriter } from '../../../../extension/engine/journal/journalWriter';
import { journalLine } from '../../../../extension/engine/journal/journalReader';
import { OpenAiProvider, endpointSecrets } from '../../../../extension/engine/models/openaiProvider';
import { RelayProvider } from '../../../../extension/engine/models/relayProvider';
import { startSimulator } from '../../../../extension/engine/simulator/simulatorServer';
import { simulatedEndpoint } from '../models/simulatedEndpoint';

// Built at run time: no secret-shaped literal in the repository.
const FORMAT_KEY = ['sk', 'proj', 'Zq8XbT1mN4pLw7YcR2vK9sHd3FgJ6aUe'].join('-');
const DOTENV = `NODE_ENV=production\nDB_PASSWORD=hunter2-canary\nOPENAI_API_KEY=${FORMAT_KEY}\n`;

describe('engine/policy/redactLog and the places that redact', () => {
  describe('redactLog', () => {
    it('redacts string and Error arguments of a log channel’s text methods, and passes the rest through', () => {
      const written: unknown[][] = [];
      const channel = {
        name: 'Loom',
        logLevel: 2,
        info: (...args: unknown[]) => written.push(['info', ...args]),
        error: (...args: unknown[]) => written.push(['error', ...args]),
        appendLine: (line: string) => written.push(['appendLine', line]),
        show() {
          written.push(['show', this === channel]);
        },
      };
      const log = redactLog(channel, new SecretRedactor({ env: {}, secrets: ['configured-key-value'] }));
      log.info(`key ${FORMAT_KEY} and configured-key-value`, 42);
      log.appendLine(DOTENV);
      log.error(new Error(`failed with ${FORMAT_KEY}`));
      log.show();
      assert.equal(log.name, 'Loom');
      assert.equal(log.logLevel, 2);
      assert.deepEqual(written.slice(0, 2), [
        ['info', 'key [redacted:openai-key] and [redacted:secret]', 42],
        ['appendLine', 'NODE_ENV=production\nDB_PASSWORD=[redacted:secret-assignment]\nOPENAI_API_KEY=[redacted:openai-key]\n'],
      ]);
      const error = written[2]![1] as Error;
      assert.equal(error.message, 'failed with [redacted:openai-key]');
      assert.ok(!error.stack?.includes(FORMAT_KEY));
      assert.deepEqual(written[3], ['show', true], 'other methods run on the original');
    });
  });

  describe('the journal writer', () => {
    it('writes, returns and publishes the redacted event', () => {
      const dir = mkdtempSync(join(tmpdir(), 'loom-redact-journal-'));
      try {
        const writer = new JournalWriter(join(dir, 'journal.jsonl'), { secrets: ['configured-key-value'] });
        const published: RunEvent[] = [];
        writer.onDidAppend((e) => published.push(e));
        const body = { type: 'agent/didWarn', agentId: 'a', kind: 'x', message: `read .env:\n${DOTENV}key configured-key-value` } as const;
        const returned = writer.append(body);
        writer.dispose();
        const line = readFileSync(join(dir, 'journal.jsonl'), 'utf8');
        for (const leaked of [FORMAT_KEY, 'hunter2-canary', 'configured-key-value']) {
          assert.ok(!line.includes(leaked), leaked);
          assert.ok(!JSON.stringify(returned).includes(leaked), leaked);
          assert.ok(!JSON.stringify(published).includes(leaked), leaked);
        }
        assert.equal(journalLine(JSON.stringify(returned)), line);
        assert.match(line, /NODE_ENV=production/);
        assert.equal(body.message.includes('hunter2-canary'), true, 'the caller’s body is not changed');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('what goes to a model', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are an implementor.' },
      { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":".env"}' }] },
      { role: 'tool', toolCallId: 'c1', content: DOTENV },
    ];

    it('the OpenAI-compatible provider sends tool results redacted, the key and secret headers included', async () => {
      const sim = await startSimulator({ recordBodies: true, scenario: { name: 'redact', agents: [{ match: { agent: 'a' }, turns: [{ content: 'ok' }] }] } });
      try {
        const endpoint = simulatedEndpoint(sim, { agentId: 'a', role: 'implementor' }, { apiKey: 'configured-key-value' });
        endpoint.headers.push(['Authorization-Extra', 'Bearer header-token-value']);
        assert.deepEqual(endpointSecrets(endpoint), ['configured-key-value', 'header-token-value']);
        const provider = new OpenAiProvider(endpoint);
        const withKeys: ChatMessage[] = [...messages, { role: 'user', content: 'keys: configured-key-value header-token-value' }];
        const response = await provider.chat({ messages: withKeys, tools: [] });
        assert.equal(response.content, 'ok');
        const body = sim.requests[0]!.body!;
        for (const leaked of [FORMAT_KEY, 'hunter2-canary', 'configured-key-value', 'header-token-value']) assert.ok(!body.includes(leaked), leaked);
        assert.match(body, /NODE_ENV=production\\nDB_PASSWORD=\[redacted:secret-assignment\]/);
        assert.equal(withKeys[2]!.content, DOTENV, 'the agent’s own history is not changed');
      } finally {
        await sim.close();
      }
    });

    it('the relay to a host model (VS Code’s Language Model API) sends them redacted too', async () => {
      let asked: ChatMessage[] = [];
      const relay = new RelayProvider('host-model', async (request) => {
        asked = request.messages;
        return { content: 'ok', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, model: 'host-model' };
      });
      await relay.chat({ messages, tools: [] });
      const sent = JSON.stringify(asked);
      assert.ok(!sent.includes(FORMAT_KEY) && !sent.includes('hunter2-canary'), sent);
      assert.match(sent, /NODE_ENV=production/);
    });
  });
});
