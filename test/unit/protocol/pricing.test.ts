import assert from 'node:assert/strict';
import { costUsd, DEFAULT_PRICES, formatUsd, mergePriceTables, priceOf } from '../../../extension/protocol/pricing';

const million = { inputTokens: 1_000_000, outputTokens: 1_000_000 };

describe('protocol/pricing', () => {
  it('prices each model by its own entry, the small variants never as the large one', () => {
    const total = (model: string) => costUsd(model, million);
    assert.equal(total('gpt-4.1'), 10);
    assert.equal(total('gpt-4.1-2025-04-14'), 10);
    assert.equal(total('gpt-4.1-mini'), 2);
    assert.equal(total('gpt-4.1-nano'), 0.5);
    assert.equal(total('gpt-4.1-nano-2025-04-14'), 0.5);
    assert.equal(total('gpt-4o'), 12.5);
    assert.equal(total('gpt-4o-mini'), 0.75);
    assert.equal(total('gpt-5'), 11.25);
    assert.equal(total('gpt-5-mini'), 2.25);
    assert.equal(total('gpt-5-nano'), 0.45);
    assert.equal(total('o3'), 10);
    assert.equal(total('o3-mini'), 5.5);
  });

  it('says an unknown model is unpriced, never $0', () => {
    assert.equal(costUsd('llama3.1:8b', million), null);
    assert.equal(formatUsd(null), 'unpriced');
    assert.equal(formatUsd(costUsd('gpt-4.1-nano', { inputTokens: 1000, outputTokens: 0 })), '$0.0001');
  });

  it('takes an exact name over a prefix and the longest prefix over a shorter one; later tables override earlier ones entry by entry', () => {
    const table = mergePriceTables(DEFAULT_PRICES, { 'gpt-4.1*': { input: 3, output: 9 }, 'gpt-4.1-2025-04-14': { input: 1, output: 1 }, 'local*': { input: 0, output: 0 } });
    assert.deepEqual(priceOf('gpt-4.1-preview', table), { input: 3, output: 9 });
    assert.deepEqual(priceOf('gpt-4.1-2025-04-14', table), { input: 1, output: 1 });
    assert.deepEqual(priceOf('gpt-4.1-nano', table), { input: 0.1, output: 0.4, cachedInput: 0.025 }, 'the default nano entry stays');
    assert.equal(costUsd('local-llama', million, table), 0, 'a model priced at $0 on purpose costs $0');
    assert.equal(costUsd('local-llama', million), null, 'without that entry it is unpriced');
  });

  it('prices cached input tokens at the cached price when the entry has one, else as input', () => {
    const usage = { inputTokens: 1_000_000, cachedInputTokens: 800_000, outputTokens: 0 };
    // gpt-4.1: 200k uncached at $2/M + 800k cached at $0.50/M.
    assert.equal(costUsd('gpt-4.1', usage), 0.4 + 0.4);
    const table = { 'plain*': { input: 2, output: 8 } };
    assert.equal(costUsd('plain-model', usage, table), 2, 'no cachedInput price: cached tokens cost as input');
    assert.equal(costUsd('gpt-4.1', { inputTokens: 1_000_000, outputTokens: 0 }), 2, 'no cached tokens reported: all input at the input price');
    assert.equal(costUsd('gpt-4.1', { inputTokens: 100, cachedInputTokens: 500, outputTokens: 0 }), (100 * 0.5) / 1_000_000, 'cached never counts for more than the input');
  });
});
