import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PathError, PathGuard } from '../../../../../extension/engine/tools/server/pathGuard';
import { tempDir } from '../toolTestHelpers';

describe('engine/tools/server/pathGuard', () => {
  let root: string;
  let outside: string;
  let guard: PathGuard;

  before(async () => {
    root = await tempDir('loom-guard-root-');
    outside = await tempDir('loom-guard-outside-');
    await fs.mkdir(path.join(root, 'src'));
    await fs.writeFile(path.join(root, 'src/a.ts'), 'a');
    await fs.writeFile(path.join(root, '.git'), 'gitdir: /elsewhere/.git/worktrees/x\n');
    await fs.writeFile(path.join(outside, 'secret.txt'), 'secret');
    await fs.symlink(outside, path.join(root, 'escape'));
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret-link'));
    await fs.symlink(path.join(root, 'src'), path.join(root, 'src-link'));
    await fs.symlink(path.join(root, '.git'), path.join(root, 'git-link'));
    await fs.symlink(path.join(outside, 'missing.txt'), path.join(root, 'dangling'));
    guard = await PathGuard.create(root);
  });

  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
  });

  async function rejects(p: string, message: RegExp): Promise<void> {
    await assert.rejects(guard.resolve(p), (err: unknown) => {
      assert.ok(err instanceof PathError, `expected a PathError for ${p}`);
      assert.match(err.message, message);
      return true;
    });
  }

  it('accepts paths inside the root, existing or not', async () => {
    assert.deepEqual(await guard.resolve('src/a.ts'), { absolute: path.join(root, 'src/a.ts'), relative: 'src/a.ts' });
    assert.equal((await guard.resolve('new/dir/file.txt')).relative, 'new/dir/file.txt');
    assert.equal((await guard.resolve('src/../src/a.ts')).relative, 'src/a.ts');
    assert.equal((await guard.resolve('')).relative, '');
    assert.equal((await guard.resolve('.')).relative, '');
    assert.equal((await guard.resolve('src-link/a.ts')).relative, 'src-link/a.ts');
  });

  it('rejects absolute paths', async () => {
    await rejects('/etc/passwd', /absolute paths are not allowed/);
    await rejects(path.join(root, 'src/a.ts'), /absolute paths are not allowed/);
    await rejects('C:\\Windows', /absolute paths are not allowed/);
  });

  it('rejects .. escapes', async () => {
    await rejects('..', /escapes the workspace root/);
    await rejects('../x', /escapes the workspace root/);
    await rejects('src/../../x', /escapes the workspace root/);
  });

  it('rejects symlinks that lead outside the root, for existing and new files', async () => {
    await rejects('escape/secret.txt', /outside the workspace root through a symlink/);
    await rejects('escape/new.txt', /outside the workspace root through a symlink/);
    await rejects('escape/deep/new.txt', /outside the workspace root through a symlink/);
    await rejects('secret-link', /outside the workspace root through a symlink/);
    await rejects('dangling', /dangling symlink/);
  });

  it('rejects .git, anything under a .git segment, and links into it', async () => {
    await rejects('.git', /\.git is not allowed/);
    await rejects('.git/config', /\.git is not allowed/);
    await rejects('sub/.git/hooks/pre-commit', /\.git is not allowed/);
    await rejects('.GIT/config', /\.git is not allowed/);
    await rejects('git-link', /into \.git through a symlink/);
  });

  it('rejects NUL bytes', async () => {
    await rejects('a\0b', /NUL/);
  });
});
