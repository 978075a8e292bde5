import assert from 'node:assert/strict';
import { costUsd, formatUsd } from '../../../extension/protocol/pricing';

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
});
