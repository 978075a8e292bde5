import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import { ModelError } from '../../../../extension/engine/models/modelProvider';
import { StreamAccumulator } from '../../../../extension/engine/models/streamAccumulator';

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
type Delta = Chunk['choices'][number]['delta'];

const chunk = (delta: Delta, finish: Chunk['choices'][number]['finish_reason'] = null, model = 'm-1'): Chunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model,
  choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
});

describe('StreamAccumulator', () => {
  it('merges tool call deltas by index, in index order, keeping arguments raw', () => {
    const acc = new StreamAccumulator();
    acc.add(chunk({ role: 'assistant', content: '' }));
    acc.add(chunk({ tool_calls: [{ index: 1, id: 'b', function: { name: 'read_file', arguments: '{"pa' } }] }));
    acc.add(chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'write', arguments: '' } }] }));
    acc.add(chunk({ tool_calls: [{ index: 0, function: { name: '_file', arguments: '{oops' } }] }));
    acc.add(chunk({ tool_calls: [{ index: 1, function: { name: 'read_file', arguments: 'th":1}' } }] }));
    acc.add(chunk({}, 'tool_calls'));
    const response = acc.finish([], 'fallback');
    assert.equal(response.content, null);
    assert.deepEqual(response.toolCalls, [
      { id: 'a', name: 'write_file', arguments: '{oops' },
      { id: 'b', name: 'read_file', arguments: '{"path":1}' },
    ]);
    assert.equal(response.model, 'm-1');
  });

  it('invents an id when the server sends none', () => {
    const acc = new StreamAccumulator();
    acc.add(chunk({ tool_calls: [{ index: 0, function: { name: 'x', arguments: '{}' } }] }, 'tool_calls'));
    assert.match(acc.finish([], 'f').toolCalls[0].id, /^call_loom_/);
  });

  it('uses the usage chunk, or estimates four characters per token', () => {
    const withUsage = new StreamAccumulator();
    withUsage.add(chunk({ content: 'hi' }, 'stop'));
    withUsage.add({ ...chunk({}), choices: [], usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 } });
    assert.deepEqual(withUsage.finish([], 'f').usage, { inputTokens: 7, outputTokens: 1 });

    const without = new StreamAccumulator();
    without.add(chunk({ content: 'abcde' }, 'stop'));
    assert.deepEqual(without.finish([{ role: 'user', content: '123456789' }], 'f').usage, { inputTokens: 3, outputTokens: 2 });
  });

  it('reads the cached part of the prompt from the final usage chunk', () => {
    const acc = new StreamAccumulator();
    acc.add(chunk({ content: 'hi' }, 'stop'));
    acc.add({ ...chunk({}), choices: [], usage: { prompt_tokens: 2048, completion_tokens: 3, total_tokens: 2051, prompt_tokens_details: { cached_tokens: 1920 } } });
    assert.deepEqual(acc.finish([], 'f').usage, { inputTokens: 2048, outputTokens: 3, cachedInputTokens: 1920 });
  });

  it('calls a stream without a finish_reason malformed (retryable)', () => {
    const acc = new StreamAccumulator();
    acc.add(chunk({ content: 'half an ans' }));
    assert.throws(() => acc.finish([], 'f'), (e: unknown) => e instanceof ModelError && e.kind === 'malformed' && e.retryable);
    assert.throws(() => new StreamAccumulator().finish([], 'f'), /without any data/);
  });
});
