import { strict as assert } from 'node:assert';
import { isSecretBearingPath } from '../../../../extension/engine/policy/secretFiles';

describe('engine/policy/secretFiles', () => {
  it('names the files that commonly hold secrets, at any depth and in any case', () => {
    for (const p of ['.env', '.env.local', 'app/.env.production', 'certs/server.pem', '.ssh/id_ed25519', 'ID_RSA', '.npmrc', 'pkg/.npmrc', '.aws/credentials']) {
      assert.equal(isSecretBearingPath(p), true, p);
    }
  });

  it('leaves templates and ordinary sources alone', () => {
    for (const p of ['.env.example', 'src/env.ts', 'README.md', 'src/credentials.ts', 'docs/keys.md']) {
      assert.equal(isSecretBearingPath(p), false, p);
    }
  });
});
