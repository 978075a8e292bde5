import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveSetupRecipe, suggestSetup } from '../../../../extension/engine/sandbox/setupRecipe';
import { makeTempDir } from '../../../fixtures/gitRepo';

describe('engine/sandbox/setupRecipe', () => {
  it("takes the given recipe first, then the repository's .loom/setup, else none", async () => {
    const dir = await makeTempDir('loom-setup-');
    try {
      assert.equal(await resolveSetupRecipe(dir.dir, null), null);
      fs.mkdirSync(path.join(dir.dir, '.loom'));
      fs.writeFileSync(path.join(dir.dir, '.loom', 'setup'), 'npm ci\nnpm run build\n');
      assert.equal(await resolveSetupRecipe(dir.dir, undefined), 'npm ci\nnpm run build\n');
      assert.equal(await resolveSetupRecipe(dir.dir, '  make  '), 'make');
    } finally {
      await dir.cleanup();
    }
  });

  it('suggests a recipe when it sees a lockfile and has none', async () => {
    const dir = await makeTempDir('loom-setup-');
    try {
      assert.equal(await suggestSetup(dir.dir), null);
      fs.writeFileSync(path.join(dir.dir, 'package-lock.json'), '{}');
      assert.match((await suggestSetup(dir.dir)) ?? '', /package-lock.json found but no setup recipe: .*--setup "npm ci"/);
    } finally {
      await dir.cleanup();
    }
  });
});
