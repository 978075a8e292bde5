import { strict as assert } from 'node:assert';
import { isCommandAllowed } from '../../../../extension/engine/policy/commandAllowlist';

describe('engine/policy/commandAllowlist', () => {
  it('passes a bare name and an absolute path of an allowed program alike', () => {
    assert.equal(isCommandAllowed(['node', '-v'], ['node']), true);
    assert.equal(isCommandAllowed(['/usr/bin/node', '-v'], ['node']), true);
    assert.equal(isCommandAllowed(['npm.cmd', 'test'], ['npm']), true);
  });

  it('refuses programs off the list, an empty argv, and relative paths the agent could have written', () => {
    assert.equal(isCommandAllowed(['bash', '-c', 'true'], ['node', 'npm']), false);
    assert.equal(isCommandAllowed([], ['node']), false);
    assert.equal(isCommandAllowed(['./node'], ['node']), false);
    assert.equal(isCommandAllowed(['bin/node'], ['node']), false);
  });
});
