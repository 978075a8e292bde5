import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSpecErrors, parseSpec, type SpecError } from '../../../../extension/engine/spec/parseSpec';
import { SpecSchema } from '../../../../extension/protocol/spec';

const root = join(__dirname, '../../../..');

/** Parses `lines` joined, expecting failure; returns the errors. */
function errorsOf(...lines: string[]): SpecError[] {
  const r = parseSpec(lines.join('\n'), 'spec.md');
  assert.equal(r.ok, false, 'expected the spec to be rejected');
  return r.ok ? [] : r.errors;
}

/** Asserts exactly one error, at `line`, whose message matches `re`. */
function assertOneError(errors: SpecError[], line: number, re: RegExp): void {
  assert.equal(errors.length, 1, `expected one error, got:\n${formatSpecErrors(errors)}`);
  assert.equal(errors[0].line, line);
  assert.match(errors[0].message, re);
}

describe('engine/spec/parseSpec', () => {
  it('parses examples/spec.md', () => {
    const text = readFileSync(join(root, 'examples/spec.md'), 'utf8');
    const r = parseSpec(text, 'examples/spec.md');
    assert.ok(r.ok, r.ok ? '' : formatSpecErrors(r.errors));
    SpecSchema.parse(r.spec);
    assert.equal(r.spec.title, 'textkit: small string utilities');
    assert.match(r.spec.overview, /dependency-free JavaScript library/);
    assert.deepEqual(r.spec.requirements.map((q) => q.id), ['R1', 'R2', 'R3', 'R4']);
    const r1 = r.spec.requirements[0];
    assert.equal(r1.title, 'slugify');
    assert.equal(r1.line, 13);
    assert.match(r1.text, /^`slugify\(text\)` turns a title/);
    assert.doesNotMatch(r1.text, /Acceptance/);
    assert.equal(r1.acceptance.length, 4);
    // An indented continuation line joins its bullet.
    assert.match(r.spec.requirements[2].acceptance[2], /for every example in the test file$/);
    assert.equal(r.spec.revision, createHash('sha256').update(text).digest('hex'));
  });

  it('reads the minimal form, `### Acceptance`, and ignores headings inside code fences', () => {
    const r = parseSpec(
      ['# T', '', 'Overview.', '', '## R1: One', 'Text one.', '```', '## not a heading', '```', '### Acceptance', '- a', '* b', '', '## R2: Two', '**Acceptance:**', '- c', 'More prose.'].join('\n'),
      's.md',
    );
    assert.ok(r.ok, r.ok ? '' : formatSpecErrors(r.errors));
    assert.equal(r.spec.overview, 'Overview.');
    assert.deepEqual(r.spec.requirements[0].acceptance, ['a', 'b']);
    assert.match(r.spec.requirements[0].text, /## not a heading/);
    assert.deepEqual(r.spec.requirements[1].acceptance, ['c']);
    assert.equal(r.spec.requirements[1].text, 'More prose.');
    assert.equal(r.spec.requirements[1].line, 14);
  });

  it('gives a new revision for any edit', () => {
    const a = parseSpec('# T\n## R1: x\nAcceptance:\n- y\n', 's.md');
    const b = parseSpec('# T\n## R1: x\nAcceptance:\n- y!\n', 's.md');
    assert.ok(a.ok && b.ok);
    assert.notEqual(a.spec.revision, b.spec.revision);
    assert.match(a.spec.revision, /^[0-9a-f]{64}$/);
  });

  it('accepts CRLF line endings', () => {
    const r = parseSpec('# T\r\n\r\n## R1: x\r\nAcceptance:\r\n- y\r\n', 's.md');
    assert.ok(r.ok);
    assert.equal(r.spec.requirements[0].title, 'x');
    assert.deepEqual(r.spec.requirements[0].acceptance, ['y']);
  });

  describe('errors, each with its line', () => {
    it('missing title', () => {
      assertOneError(errorsOf('', 'Some intro.', '## R1: x', 'Acceptance:', '- y'), 2, /missing title.*`# Title`/);
    });

    it('empty file: missing title and no requirements, both at line 1', () => {
      const errors = errorsOf('');
      assert.deepEqual(errors.map((e) => e.line), [1, 1]);
      assert.match(errors[0].message, /missing title/);
      assert.match(errors[1].message, /no requirements/);
    });

    it('no requirements, at the title line', () => {
      assertOneError(errorsOf('', '# Title', 'Just prose.'), 2, /no requirements.*`## R1: <title>`/);
    });

    it('`## R: x` suggests a numbered id', () => {
      assertOneError(errorsOf('# T', '## R1: a', 'Acceptance:', '- y', '## R: x', 'Acceptance:', '- z'), 5, /the id needs a number; write `## R2: x`/);
    });

    it('`## Requirement 1` suggests `## R1: <title>`', () => {
      assertOneError(errorsOf('# T', '## Requirement 1', 'Acceptance:', '- y'), 2, /malformed requirement heading `## Requirement 1`: write `## R1: <title>`/);
    });

    it('`## R2 Title` without a colon and a lowercase id', () => {
      const errors = errorsOf('# T', '## R1: a', 'Acceptance:', '- y', '## R2 Two', 'Acceptance:', '- z', '## r3: three', 'Acceptance:', '- w');
      assert.deepEqual(errors.map((e) => e.line), [5, 8]);
      assert.match(errors[0].message, /write `## R2: Two`/);
      assert.match(errors[1].message, /write `## R3: three`/);
    });

    it('a requirement heading at the wrong level', () => {
      assertOneError(errorsOf('# T', '## R1: a', 'Acceptance:', '- y', '### R2: b', 'Acceptance:', '- z'), 5, /level 2.*`## R2: b`/);
    });

    it('duplicate ids name both lines', () => {
      assertOneError(
        errorsOf('# T', '## R1: a', 'Acceptance:', '- y', '', '## R1: b', 'Acceptance:', '- z'),
        6,
        /duplicate requirement id R1 \(lines 2 and 6\).*R2/,
      );
    });

    it('a requirement without acceptance criteria, at its heading', () => {
      assertOneError(errorsOf('# T', '## R1: a', 'Acceptance:', '- y', '## R2: b', 'Only prose.', '- a bullet that is prose'), 5, /R2 has no acceptance criteria: add a line `Acceptance:`/);
    });

    it('an acceptance marker with no bullets, at the marker', () => {
      assertOneError(errorsOf('# T', '## R1: a', 'text', 'Acceptance:', '', 'prose again'), 4, /R1 has an acceptance marker but no criteria/);
    });

    it('an empty acceptance bullet', () => {
      assertOneError(errorsOf('# T', '## R1: a', 'Acceptance:', '- y', '- ', '- z'), 5, /empty acceptance criterion in R1/);
      assert.deepEqual(errorsOf('# T', '## R1: a', 'Acceptance:', '-').map((e) => e.line), [4]);
    });

    it('a numbered acceptance list', () => {
      assertOneError(errorsOf('# T', '## R1: a', 'Acceptance:', '1. y'), 4, /`- ` bullets, not a numbered list: write `- y`/);
    });

    it('criteria on the marker line', () => {
      const errors = errorsOf('# T', '## R1: a', 'Acceptance: it works');
      assert.deepEqual(errors.map((e) => e.line), [2, 3]);
      assert.match(errors[0].message, /R1 has no acceptance criteria/);
      assert.match(errors[1].message, /on the lines after `Acceptance:`/);
    });

    it('an unknown `##` section after the first requirement', () => {
      assertOneError(errorsOf('# T', '## Background', 'ok here', '## R1: a', 'Acceptance:', '- y', '## Notes'), 7, /`## Notes` is not a requirement heading/);
    });

    it('a second title', () => {
      assertOneError(errorsOf('# T', '## R1: a', 'Acceptance:', '- y', '# Another'), 5, /one title \(line 1\)/);
    });

    it('acceptance outside a requirement', () => {
      assertOneError(errorsOf('# T', 'Acceptance:', '- y', '## R1: a', 'Acceptance:', '- y'), 2, /outside a requirement/);
    });

    it('reports all errors in line order', () => {
      const errors = errorsOf('intro', '## R: x', '## R1: a', '## R1: b', 'Acceptance:', '- ');
      assert.deepEqual(errors.map((e) => e.line), [1, 2, 2, 3, 4, 6]);
      assert.match(errors[1].message, /needs a number; write `## R2: x`/);
      assert.match(errors[2].message, /R2 has no acceptance criteria/);
    });
  });

  it('formats errors as path:line: message', () => {
    const r = parseSpec('# T\n## R1: a\n', 'docs/my.spec.md');
    assert.ok(!r.ok);
    assert.equal(formatSpecErrors(r.errors), 'docs/my.spec.md:2: R1 has no acceptance criteria: add a line `Acceptance:` followed by `- ` bullets');
    assert.match(formatSpecErrors(r.errors, 'other.md'), /^other\.md:2: /);
  });
});
