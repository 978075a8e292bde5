import assert from 'node:assert/strict';
import { checkClaims } from '../../../../extension/engine/verify/claimsCheck';

describe('engine/verify/claimsCheck', () => {
  it('warns about files claimed but not changed', () => {
    const findings = checkClaims({ status: 'done', filesChanged: ['./src/math.js', 'src/other.js'] }, ['src/math.js']);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].rule, 'claim/mismatch');
    assert.equal(findings[0].severity, 'warning');
    assert.equal(findings[0].file, 'src/other.js');
  });

  it('is an error to report done with no change at all', () => {
    const findings = checkClaims({ status: 'done', filesChanged: ['src/math.js'] }, []);
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity]),
      [
        ['claim/mismatch', 'error'],
        ['claim/mismatch', 'warning'],
      ],
    );
  });

  it('accepts a blocked task that changed nothing', () => {
    assert.deepEqual(checkClaims({ status: 'blocked', filesChanged: [] }, []), []);
  });
});
