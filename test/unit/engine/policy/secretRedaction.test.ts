import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SecretRedactor, secretsFromEnv } from '../../../../extension/engine/policy/secretRedaction';
import { isHighEntropy, isSecretName } from '../../../../extension/engine/policy/secretAssignments';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

// Fake credentials are built at run time, so no secret-shaped literal sits in the repository; from
// a fixed seed, so every run tests the same ones.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let seed = 0x5eed;
function next(): number {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function random(length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  // Every format below wants a digit somewhere; make sure there is one.
  return out.slice(0, -1) + '7';
}
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const b64url = (n: number) => random(n, ALNUM + '_-');

/** A redactor that knows nothing of this process's environment, so tests do not depend on it. */
const plain = () => new SecretRedactor({ env: {} });

describe('engine/policy/secretRedaction', () => {
  describe('known key formats', () => {
    const cases: [string, string][] = [
      ['openai-key', ['sk', random(48)].join('-')],
      ['openai-key', ['sk', 'proj', b64url(120)].join('-')],
      ['openai-key', ['sk', 'svcacct', b64url(60)].join('-')],
      ['anthropic-key', ['sk', 'ant', 'api03', b64url(93)].join('-')],
      ['aws-access-key-id', 'AKIA' + random(16, UPPER_DIGITS)],
      ['aws-access-key-id', 'ASIA' + random(16, UPPER_DIGITS)],
      ['github-token', 'ghp_' + random(36)],
      ['github-token', 'gho_' + random(36)],
      ['github-token', 'ghu_' + random(36)],
      ['github-token', 'ghs_' + random(36)],
      ['github-token', 'ghr_' + random(36)],
      ['github-token', 'github_pat_' + random(22) + '_' + random(59)],
      ['slack-token', ['xoxb', '1234567890', '1234567890123', random(24)].join('-')],
      ['slack-token', ['xoxp', '1234567890', random(24)].join('-')],
      ['slack-webhook', `https://hooks.slack.com/services/T${random(8, UPPER_DIGITS)}/B${random(8, UPPER_DIGITS)}/${random(24)}`],
      ['google-api-key', 'AIza' + b64url(35)],
      ['stripe-key', ['sk', 'live', random(24)].join('_')],
      ['stripe-key', ['rk', 'live', random(24)].join('_')],
      ['jwt', `eyJ${b64url(30)}.eyJ${b64url(60)}.${b64url(43)}`],
    ];
    for (const [label, secret] of cases) {
      it(`redacts ${label} (${secret.slice(0, 8)}…) in text, in JSON and at the edges`, () => {
        const r = plain();
        for (const text of [`the key is ${secret} here`, JSON.stringify({ output: `key=${secret}\n` }), secret, `"${secret}"`, `(${secret})`]) {
          const out = r.redact(text);
          assert.ok(!out.includes(secret), `${label} leaked in ${out}`);
          assert.ok(out.includes(`[redacted:`), out);
        }
        assert.equal(r.redact(`x ${secret} y`), `x [redacted:${label}] y`);
      });
    }

    it('redacts whole private-key blocks (PKCS#8, SEC1, OpenSSH), also cut off or inside JSON', () => {
      const r = plain();
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'sec1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
      const openssh = `-----BEGIN OPENSSH PRIVATE KEY-----\n${random(70)}\n${random(70)}\n-----END OPENSSH PRIVATE KEY-----\n`;
      for (const key of [rsa, ec, openssh]) {
        const body = key.split('\n')[1]!;
        for (const text of [`before\n${key}after`, JSON.stringify({ content: key }), `cut: ${key.slice(0, 120)}`]) {
          const out = r.redact(text);
          assert.ok(!out.includes(body), out);
          assert.match(out, /\[redacted:private-key\]/);
        }
        assert.equal(r.redact(`before\n${key}after`), 'before\n[redacted:private-key]\nafter');
      }
      // Documentation that names the header, with no key material, stays.
      const doc = 'the PEM (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)';
      assert.equal(r.redact(doc), doc);
    });

    it('redacts the password in URLs, keeping user and host readable', () => {
      const r = plain();
      assert.equal(r.redact('DATABASE_URL is postgres://app:s3cr3t-pw@db.internal:5432/app'), 'DATABASE_URL is postgres://app:[redacted:password]@db.internal:5432/app');
      assert.equal(r.redact('git clone https://x-access-token:abc123def@github.com/o/r'), 'git clone https://x-access-token:[redacted:password]@github.com/o/r');
      for (const text of ['git@github.com:owner/repo.git', 'http://localhost:3000/path', 'see https://example.com/a:b/c@d', 'mailto:someone@example.com']) {
        assert.equal(r.redact(text), text);
      }
    });
  });

  describe('.env-style lines', () => {
    it('redacts values whose name says secret, in .env, shell, ini and YAML', () => {
      const r = plain();
      const awsSecret = random(40, ALNUM + '/+');
      const text = [
        'OPENAI_API_KEY=not-a-known-format-but-named',
        'export STRIPE_TOKEN="quoted value with spaces"',
        "DB_PASSWORD='hunter22'",
        'MY_SERVICE_TOKEN=tok_live_1234',
        'CLIENT_SECRET=abc123xyz # the comment stays',
        '[default]',
        `aws_secret_access_key = ${awsSecret}`,
        'password: correct-horse-battery',
        '  api_key: "k3y-in-yaml"',
      ].join('\n');
      const out = r.redact(text);
      for (const leaked of ['not-a-known-format-but-named', 'quoted value with spaces', 'hunter22', 'tok_live_1234', 'abc123xyz', awsSecret, 'correct-horse-battery', 'k3y-in-yaml']) {
        assert.ok(!out.includes(leaked), `${leaked} leaked:\n${out}`);
      }
      assert.match(out, /^OPENAI_API_KEY=\[redacted:secret-assignment\]$/m);
      assert.match(out, /^export STRIPE_TOKEN="\[redacted:secret-assignment\]"$/m);
      assert.match(out, /^CLIENT_SECRET=\[redacted:secret-assignment\] # the comment stays$/m);
      assert.match(out, /^\[default\]$/m);
    });

    it('redacts high-entropy values whatever their name, and leaves ordinary settings', () => {
      const r = plain();
      const sig = random(32, ALNUM + '+/');
      const text = [
        `SESSION_SIG=${sig}`,
        'NODE_ENV=production',
        'PORT=3000',
        'DATABASE_HOST=db.internal.example.com',
        'LOG_PATH=/var/log/app/server-2024-01-01.log',
        'BASE_COMMIT=9c41d0e7b2a85f3306e1c4d9a7b02e6f18d3c5a1',
        'MAX_TOKENS=4096',
        'REQUEST_ID=3f2b8c1e-9d4a-4f6b-8e2c-1a7d5b9c0e3f',
        'FEATURE_FLAGS=newDashboard,betaSearch',
        'PUBLIC_KEY=see-the-docs',
        'TIMEOUT_MS=30000',
      ].join('\n');
      const out = r.redact(text);
      assert.ok(!out.includes(sig));
      assert.equal(out, text.replace(sig, '[redacted:high-entropy]'));
    });

    it('redacts lines inside a JSON string (escaped newlines), such as a tool call writing a .env', () => {
      const r = plain();
      const args = JSON.stringify({ path: '.env', content: 'DB_PASSWORD=hunter22\nNODE_ENV=production\n' });
      assert.equal(r.redact(args), JSON.stringify({ path: '.env', content: 'DB_PASSWORD=[redacted:secret-assignment]\nNODE_ENV=production\n' }));
      assert.equal(r.redact('{"config":{"apiToken":"a1B2c3D4e5F6g7H8"}}'), '{"config":{"apiToken":"[redacted:secret-assignment]"}}');
    });

    it('tells secret names from ordinary ones', () => {
      for (const name of ['OPENAI_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'DB_PASSWORD', 'password', 'apiKey', 'client-secret', 'NPM_AUTH_TOKEN', 'SECRET_KEY_BASE']) {
        assert.equal(isSecretName(name), true, name);
      }
      for (const name of ['MAX_TOKENS', 'PUBLIC_KEY', 'SORT_KEY', 'NODE_ENV', 'PORT', 'token_count', 'keyboard', 'monkey_patch']) {
        assert.equal(isSecretName(name), false, name);
      }
      assert.equal(isHighEntropy(random(32)), true);
      for (const value of ['InternalEncoderBase64Codec', 'production-database-host', '9c41d0e7b2a85f3306e1c4d9a7b02e6f18d3c5a1', '/usr/local/lib/node_modules/x1', 'short1A']) {
        assert.equal(isHighEntropy(value, 'BASE_COMMIT'), false, value);
      }
    });
  });

  describe('known values', () => {
    it('redacts every secret-named variable of the environment, 8 characters or more, and explicit values', () => {
      const env = {
        MY_SERVICE_TOKEN: 'plainwordsvalue',
        DB_PASSWORD: 'hunter2hunter2',
        AWS_SECRET_ACCESS_KEY: random(40),
        SHORT_KEY: 'abc',
        HOME: '/root',
        EDITOR: 'vim-but-long-enough',
        SSH_KEY_PATH: __filename,
      };
      assert.deepEqual(
        secretsFromEnv(env).map((s) => s.label),
        ['$MY_SERVICE_TOKEN', '$DB_PASSWORD', '$AWS_SECRET_ACCESS_KEY'],
      );
      const r = new SecretRedactor({ env, secrets: ['configured-api-key-value', 'short'] });
      const text = `token plainwordsvalue and ${env.AWS_SECRET_ACCESS_KEY}; pw=hunter2hunter2 key configured-api-key-value short abc vim-but-long-enough`;
      assert.equal(
        r.redact(text),
        'token [redacted:$MY_SERVICE_TOKEN] and [redacted:$AWS_SECRET_ACCESS_KEY]; pw=[redacted:$DB_PASSWORD] key [redacted:secret] short abc vim-but-long-enough',
      );
    });

    it('finds a known value also in its JSON-escaped form', () => {
      const value = 'pa"ss\\word-123';
      const r = new SecretRedactor({ env: {}, secrets: [value] });
      assert.equal(r.redact(JSON.stringify({ v: value })), '{"v":"[redacted:secret]"}');
    });

    it('uses process.env by default', () => {
      const name = 'LOOM_TEST_REDACTION_SECRET';
      process.env[name] = 'from-the-process-environment';
      try {
        assert.equal(new SecretRedactor().redact('v=from-the-process-environment.'), `v=[redacted:$${name}].`);
      } finally {
        delete process.env[name];
      }
    });
  });

  describe('redactDeep', () => {
    it('redacts every string of plain data and shares what did not change', () => {
      const r = new SecretRedactor({ env: {}, secrets: ['the-secret-value'] });
      const untouched = { a: [1, 'plain'], b: null };
      const input = { seq: 1, untouched, messages: [{ role: 'tool', content: 'x the-secret-value y' }], flag: true };
      const out = r.redactDeep(input);
      assert.equal(out.messages[0]!.content, 'x [redacted:secret] y');
      assert.equal(out.untouched, untouched);
      assert.equal(input.messages[0]!.content, 'x the-secret-value y', 'the input is not changed');
      const clean = { a: 'nothing here', b: [1, 2] };
      assert.equal(r.redactDeep(clean), clean);
    });
  });

  describe('false positives', () => {
    it('leaves ordinary text alone: code, commit hashes, UUIDs, paths, words with sk- and AKIA inside', () => {
      const r = plain();
      const text = [
        'checkpoint 9c41d0e7b2a85f3306e1c4d9a7b02e6f18d3c5a1 on loom/run-7f3a2c/task-implementation-of-slugify-2',
        'const apiKey = options.apiKey;',
        '  apiKey: endpoint.apiKey || NO_KEY,',
        '  token: string;',
        '  password: string',
        'this.secret = await readSecret(path);',
        "key: '_initCache',",
        'id 3f2b8c1e-9d4a-4f6b-8e2c-1a7d5b9c0e3f at /home/dev/.loom/runs/run-1/worktrees/task-1',
        'the mask-for-desk-12345678901234567890 and AKIAISH are words',
        'sha256:5e0c9a1f4b7d2e38c61a90f7d4b3e2a15c8f6d09b1e7a4c3d2f5e8b9a0c1d2e3',
        '"integrity": "sha512-Wg8XbT1mN4pLw7YcR2vK9sHd3FgJ6aUe+Zq8XbT1mN4pLw7YcR2vK9sHd3FgJ6aUe==",',
        '"path-key": "^3.1.0",',
      ].join('\n');
      assert.equal(r.redact(text), text);
    });

    it('changes no line of this repository’s own sources, docs and recorded journals', function () {
      this.timeout(60_000);
      const r = plain();
      const files = execFileSync('git', ['ls-files', 'extension', 'webview', 'docs', 'test/fixtures', 'test/bench', 'README.md', 'package.json', 'esbuild.config.mjs'], { cwd: ROOT, encoding: 'utf8' })
        .split('\n')
        .filter((f) => /\.(ts|tsx|js|mjs|json|jsonl|md|ya?ml|sh)$/.test(f));
      assert.ok(files.length > 100, `only ${files.length} files`);
      const changed: string[] = [];
      let bytes = 0;
      for (const file of files) {
        let text: string;
        try {
          text = readFileSync(join(ROOT, file), 'utf8');
        } catch {
          continue; // listed but deleted in this working tree
        }
        bytes += text.length;
        const out = r.redact(text);
        if (out === text) continue;
        const before = text.split('\n');
        const after = out.split('\n');
        before.forEach((line, i) => line !== after[i] && changed.push(`${file}:${i + 1}: ${line.trim()}`));
      }
      assert.deepEqual(changed, [], `false positives in ${(bytes / 1e6).toFixed(1)} MB:\n${changed.join('\n')}`);
      // The recorded journal, event by event, as the journal writer redacts it.
      const journal = readFileSync(join(ROOT, 'test', 'fixtures', 'recordedRun.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
      assert.deepEqual(journal.map((e) => r.redactDeep(e)), journal);
    });
  });

  it('is fast: 1 MB of source text well under a second', () => {
    const r = new SecretRedactor({ secrets: ['configured-api-key-value'] });
    let text = readFileSync(join(ROOT, 'test', 'fixtures', 'recordedRun.jsonl'), 'utf8');
    text += readFileSync(join(ROOT, 'extension', 'engine', 'models', 'openaiProvider.ts'), 'utf8');
    text = text.repeat(Math.ceil(1_048_576 / text.length)).slice(0, 1_048_576);
    r.redact(text);
    const started = process.hrtime.bigint();
    const rounds = 5;
    for (let i = 0; i < rounds; i++) r.redact(text);
    const ms = Number(process.hrtime.bigint() - started) / 1e6 / rounds;
    assert.ok(ms < 1000, `1 MB took ${ms.toFixed(0)} ms`);
  });
});
