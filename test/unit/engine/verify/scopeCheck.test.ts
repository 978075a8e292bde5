import assert from 'node:assert/strict';
import { checkScope, scopeSummary } from '../../../../extension/engine/verify/scopeCheck';

describe('engine/verify/scopeCheck', () => {
  it('warns about each file changed outside the file scope', () => {
    const findings = checkScope(['src/math.js', 'src/deep/x.ts', 'README.md', '.github/ci.yml'], ['src/**', '.github/**']);
    assert.deepEqual(findings, [
      { severity: 'warning', rule: 'scope/outside', message: "README.md changed outside the task's file scope (src/**, .github/**)", file: 'README.md' },
    ]);
  });

  it('is silent when everything is in scope', () => {
    assert.deepEqual(checkScope(['src/a.js'], ['src/*.js']), []);
  });

  it('its line reads as the pass it is: how many files are inside, and the ones outside allowed with a warning', () => {
    const changed = ['src/math.js', 'src/deep/x.ts', 'README.md'];
    assert.equal(scopeSummary(changed.length, checkScope(changed, ['src/**']).length), '2 of 3 changed files inside the file scope; 1 outside, allowed with a warning');
    assert.equal(scopeSummary(1, 0), '1 changed file, all inside the file scope');
    assert.equal(scopeSummary(0, 0), 'no files changed');
  });
});
