import assert from 'node:assert/strict';
import { matchingFiles, scopesOverlap } from '../../../../extension/engine/plan/scopeOverlap';

const repo = ['src/index.js', 'src/util/slug.js', 'src/util/trunc.js', 'test/slug.test.js', 'README.md', '.eslintrc.json'];

describe('engine/plan/scopesOverlap', () => {
  it('overlaps when an existing file matches both globs', () => {
    assert.equal(scopesOverlap(['src/**/*.js'], ['**/slug.js'], repo), true);
    assert.equal(scopesOverlap(['*.md'], ['README.*'], repo), true);
  });

  it('does not overlap for disjoint globs', () => {
    assert.equal(scopesOverlap(['src/**'], ['test/**'], repo), false);
    assert.equal(scopesOverlap(['src/util/slug.js'], ['src/util/trunc.js'], repo), false);
  });

  it('overlaps on the same literal, even for a file that does not exist yet', () => {
    assert.equal(scopesOverlap(['src/new.js', 'a.js'], ['src/new.js'], repo), true);
  });

  it('overlaps when a literal of one matches a glob of the other, either way round', () => {
    assert.equal(scopesOverlap(['src/new.js'], ['src/*.js'], repo), true);
    assert.equal(scopesOverlap(['lib/**'], ['lib/fresh/x.ts'], repo), true);
  });

  it('treats a literal directory and a trailing slash as the whole directory', () => {
    assert.equal(scopesOverlap(['src/util'], ['src/util/new.js'], []), true);
    assert.equal(scopesOverlap(['src/util/'], ['src/util/new.js'], []), true);
    assert.equal(scopesOverlap(['./src/util/'], ['src/util/deep/*.js'], []), true);
  });

  it('overlaps when one glob contains the other textually, with no files yet', () => {
    assert.equal(scopesOverlap(['pkg/**'], ['pkg/lib/*.ts'], []), true);
    assert.equal(scopesOverlap(['pkg/lib/*.ts'], ['pkg/**'], []), true);
  });

  it('misses globs that share only files that do not exist yet (the documented approximation)', () => {
    assert.equal(scopesOverlap(['**/*.spec.ts'], ['e2e/**'], repo), false);
    assert.equal(scopesOverlap(['**/*.spec.ts'], ['e2e/**'], [...repo, 'e2e/login.spec.ts']), true);
  });

  it('matches dotfiles', () => {
    assert.equal(scopesOverlap(['*.json'], ['.eslintrc*'], repo), true);
  });

  it('is symmetric', () => {
    const cases: [string[], string[]][] = [
      [['src/**/*.js'], ['**/slug.js']],
      [['src/new.js'], ['src/*.js']],
      [['src/**'], ['test/**']],
      [['pkg/**'], ['pkg/lib/*.ts']],
    ];
    for (const [a, b] of cases) assert.equal(scopesOverlap(a, b, repo), scopesOverlap(b, a, repo), `${a} vs ${b}`);
  });

  it('lists the repo files a scope matches', () => {
    assert.deepEqual(matchingFiles(['src/util/'], repo), ['src/util/slug.js', 'src/util/trunc.js']);
  });
});
