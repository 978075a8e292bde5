import assert from 'node:assert/strict';
import { checkScope } from '../../../../extension/engine/verify/scopeCheck';

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
});
