import assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { MAX_SPEC_FILES, SPEC_EXCLUDE, SPEC_PATTERNS, specCandidates } from '../../../../extension/vscode/commands/specFiles';

describe('vscode/commands/specFiles', () => {
  it('the glob finds SPEC.md, spec.md, *.spec.md and Markdown under specs/, and the exclusion drops node_modules', () => {
    const isSpec = picomatch([...SPEC_PATTERNS]);
    const excluded = picomatch(SPEC_EXCLUDE);
    for (const p of ['SPEC.md', 'spec.md', 'Spec.md', 'docs/SPEC.md', 'api.spec.md', 'specs/auth.md', 'design/specs/v2/payments.md']) assert.ok(isSpec(p), p);
    for (const p of ['README.md', 'spec.txt', 'docs/specification.md', 'inspect.md']) assert.ok(!isSpec(p), p);
    for (const p of ['node_modules/lib/SPEC.md', 'packages/a/node_modules/x/spec.md']) assert.ok(excluded(p), p);
    assert.ok(!excluded('specs/auth.md'));
  });

  it('offers the shallowest first, then by name, without the open editor and without duplicates', () => {
    assert.deepEqual(specCandidates(['specs/b.md', 'packages/x/SPEC.md', 'SPEC.md', 'specs/a.md', 'SPEC.md', 'api.spec.md'], 'api.spec.md'), [
      'SPEC.md',
      'specs/a.md',
      'specs/b.md',
      'packages/x/SPEC.md',
    ]);
  });

  it('lists at most MAX_SPEC_FILES', () => {
    const many = Array.from({ length: MAX_SPEC_FILES + 10 }, (_, i) => `specs/s${String(i).padStart(2, '0')}.md`);
    assert.equal(specCandidates(many).length, MAX_SPEC_FILES);
  });
});
