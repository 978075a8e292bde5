import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../../extension/protocol/taskResult';
import { restorePristineTests } from '../../../../extension/engine/verify/pristineTests';
import { addScratchWorktree, type ScratchWorktree } from '../../../../extension/engine/verify/scratchWorktree';
import { detectTestEdits } from '../../../../extension/engine/verify/testEdits';
import { reachableScripts, scriptsNamedIn } from '../../../../extension/engine/verify/testConfigPackage';
import { scopeEntryNaming } from '../../../../extension/engine/verify/testPaths';
import { MATH_FIXED, makeFixtureRepo, type FixtureRepo } from './fixtureRepo';

const SCRIPTS = {
  test: 'node --test test/add.test.js',
  pretest: 'node -e 0',
  check: 'npm run unit',
  unit: 'node --test test/sub.test.js',
  build: 'tsc',
};
const PKG = { name: 'fixture', version: '1.0.0', description: 'a fixture', type: 'commonjs', scripts: SCRIPTS, devDependencies: { jest: '29.7.0' } };
const json = (v: unknown, indent = 2) => `${JSON.stringify(v, null, indent)}\n`;
const FORCE_EXIT_0 = "process.on('exit', () => { process.exitCode = 0; });\nmodule.exports = { spec: [] };\n";

/** An environment for npm in the checkout without the npm_* variables of whatever started mocha. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

describe('engine/verify/testConfig', () => {
  let fx: FixtureRepo;
  let base: string;
  const trees: ScratchWorktree[] = [];
  beforeEach(() => {
    fx = makeFixtureRepo();
    // A start commit with a package.json (jest in it, so babel configuration counts) and configs.
    base = fx.branch('base', {
      'package.json': json(PKG, 4),
      'package-lock.json': json({ name: 'fixture', lockfileVersion: 3 }),
      'tsconfig.json': '{ "compilerOptions": { "strict": true } }\n',
      '.npmrc': 'fund=false\n',
      'jest.config.js': 'module.exports = { testMatch: ["**/*.test.js"] };\n',
      '.babelrc': '{ "presets": [] }\n',
    });
  });
  afterEach(async () => {
    for (const wt of trees.splice(0)) await wt.remove();
    fx.cleanup();
  });
  const checkout = async (head: string) => {
    const wt = await addScratchWorktree(fx.repo, fx.scratchDir, `head-${trees.length}`, head);
    trees.push(wt);
    return wt.dir;
  };
  const configFindings = (findings: Finding[]) => new Map(findings.filter((f) => f.rule === 'tests/configChanged').map((f) => [f.file, f]));

  it('flags every kind of test configuration added, modified, deleted or renamed as an error, and the checkout runs the start copies', async () => {
    const added = [
      '.mocharc.cjs',
      'test/mocha.opts',
      'jest.config.ts',
      'jest.e2e.config.js',
      'vitest.config.mts',
      'vitest.workspace.ts',
      'vite.config.js',
      'playwright.config.ts',
      '.taprc',
      'ava.config.mjs',
      'karma.conf.js',
      'cypress.config.js',
      'spec/support/jasmine.json',
      '.nycrc.json',
      '.c8rc',
      'src/setupTests.ts',
      'jest.setup.js',
      'vitest.setup.ts',
      '.swcrc',
      'babel.config.js',
      '.yarnrc.yml',
      'yarn.lock',
      'pnpm-lock.yaml',
      'npm-shrinkwrap.json',
      'tsconfig.test.json',
      'packages/a/tsconfig.json',
    ];
    const modified = ['package-lock.json', 'tsconfig.json', '.npmrc', '.babelrc'];
    const head = fx.branch(
      'loom/r1/configs',
      {
        'src/math.js': MATH_FIXED,
        ...Object.fromEntries(added.map((f) => [f, '// added by the task\n'])),
        ...Object.fromEntries(modified.map((f) => [f, '{ "changed": true }\n'])),
        '.mocharc.json': null, // renamed away ...
        '.mocharc.old.json': '{ "spec": "test/**/*.test.js" }\n', // ... to a name mocha also matches
        'jest.config.js': null, // deleted
      },
      base,
    );
    const byFile = configFindings(await detectTestEdits(fx.repo, base, head));
    for (const file of [...added, ...modified, '.mocharc.json', '.mocharc.old.json', 'jest.config.js']) {
      assert.equal(byFile.get(file)?.severity, 'error', `${file}: ${JSON.stringify(byFile.get(file))}`);
    }
    assert.equal(byFile.size, added.length + modified.length + 3);
    assert.match(byFile.get('.mocharc.cjs')?.message ?? '', /added the mocha configuration \.mocharc\.cjs: mocha reads it .*removes it from its checkout/);
    assert.match(byFile.get('jest.config.js')?.message ?? '', /deleted \(or renamed away\) the jest configuration/);
    assert.match(byFile.get('tsconfig.json')?.message ?? '', /modified the TypeScript configuration tsconfig\.json.*start commit's copy/);
    assert.match(byFile.get('tsconfig.json')?.evidence ?? '', /-\{ "compilerOptions": \{ "strict": true \} \}\n\+\{ "changed": true \}/);

    const dir = await checkout(head);
    const r = await restorePristineTests({ dir, startCommit: base });
    assert.deepEqual(r.removed.sort(), [...added, '.mocharc.old.json'].sort());
    assert.deepEqual(r.restored.sort(), [...modified, '.mocharc.json', 'jest.config.js'].sort());
    for (const file of r.removed) assert.equal(fs.existsSync(path.join(dir, file)), false, file);
    for (const file of r.restored) assert.equal(fs.readFileSync(path.join(dir, file), 'utf8'), fx.git('show', `${base}:${file}`) + '\n', file);
    assert.equal(fs.readFileSync(path.join(dir, 'src/math.js'), 'utf8'), MATH_FIXED, 'source stays as the task left it');
    assert.match(r.summary, /removed .*\.mocharc\.cjs.* \(test configuration the task added\)/);
  });

  it('an added .mocharc.cjs that forces exit 0 is an error and is gone from the verifier checkout', async () => {
    const head = fx.branch('loom/r1/hack', { '.mocharc.cjs': FORCE_EXIT_0 });
    const findings = await detectTestEdits(fx.repo, fx.start, head);
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity, f.file]),
      [['tests/configChanged', 'error', '.mocharc.cjs']],
    );
    assert.match(findings[0].evidence ?? '', /\+process\.on\('exit', \(\) => \{ process\.exitCode = 0; \}\);/);
    const dir = await checkout(head);
    const r = await restorePristineTests({ dir, startCommit: fx.start });
    assert.deepEqual(r.removed, ['.mocharc.cjs']);
    assert.equal(fs.existsSync(path.join(dir, '.mocharc.cjs')), false);
    assert.equal(fs.existsSync(path.join(dir, '.mocharc.json')), true, "the start commit's own config stays");
  });

  it("a test script changed to `node -e 0` is an error naming the key, and the checkout runs the start commit's script", async () => {
    const hacked = { ...PKG, scripts: { ...SCRIPTS, test: 'node -e 0' } };
    const head = fx.branch('loom/r1/script', { 'package.json': json(hacked, 4) }, base);
    const findings = await detectTestEdits(fx.repo, base, head);
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity, f.file]),
      [['tests/configChanged', 'error', 'package.json']],
    );
    assert.match(findings[0].message, /package\.json: the task changed scripts\.test \("node --test test\/add\.test\.js" → "node -e 0"\) \(a script the test command runs\)/);
    assert.match(findings[0].evidence ?? '', /^scripts\.test: "node --test test\/add\.test\.js" → "node -e 0"/);
    assert.match(findings[0].evidence ?? '', /-\s+"test": "node --test test\/add\.test\.js",\n\+\s+"test": "node -e 0",/);

    const dir = await checkout(head);
    // Before the restore, the branch's own script "passes".
    assert.equal(spawnSync('npm', ['test', '--silent'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' }).status, 0);
    const r = await restorePristineTests({ dir, startCommit: base });
    assert.deepEqual(r.packageKeys, [{ file: 'package.json', keys: ['scripts.test'] }]);
    assert.match(r.summary, /package\.json: put scripts\.test back to the start commit's values/);
    const script = execFileSync('node', ['-e', "console.log(require('./package.json').scripts.test)"], { cwd: dir, encoding: 'utf8' });
    assert.equal(script.trim(), SCRIPTS.test);
    assert.match(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'), /^\{\n {4}"name"/, 'the file keeps its indentation');
    // A real run: the start commit's script runs the acceptance test, which fails on the unfixed source.
    const run = spawnSync('npm', ['test'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
    assert.notEqual(run.status, 0, run.stdout);
    assert.match(run.stdout + run.stderr, /add adds/);
  });

  it('a description change is no finding; a dependency change is a warning and stays in the checkout with its lockfile', async () => {
    const head = fx.branch(
      'loom/r1/deps',
      {
        'package.json': json({ ...PKG, description: 'better words', dependencies: { leftpad: '1.0.0' }, scripts: { ...SCRIPTS, build: 'tsc -b' } }, 4),
        'package-lock.json': json({ name: 'fixture', lockfileVersion: 3, packages: { 'node_modules/leftpad': {} } }),
      },
      base,
    );
    const findings = await detectTestEdits(fx.repo, base, head);
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity, f.file]),
      [
        ['deps/changed', 'warning', 'package.json'],
        ['tests/configChanged', 'error', 'package-lock.json'],
      ],
    );
    assert.match(findings[0].message, /dependencies \(dependencies \(\(absent\) → \{"leftpad":"1\.0\.0"\}\)\)/);
    assert.match(findings[1].message, /keeps the branch's copy because the dependencies beside it changed/);

    const dir = await checkout(head);
    const r = await restorePristineTests({ dir, startCommit: base });
    assert.deepEqual([r.restored, r.removed, r.packageKeys, r.keptLockfiles], [[], [], [], ['package-lock.json']]);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.dependencies, { leftpad: '1.0.0' });
    assert.equal(pkg.description, 'better words');

    const only = fx.branch('loom/r1/desc', { 'package.json': json({ ...PKG, description: 'only words' }, 4) }, base);
    assert.deepEqual(await detectTestEdits(fx.repo, base, only), []);
  });

  it('restores test fields and reachable scripts key by key, keeping the rest of the branch package.json', async () => {
    const head = fx.branch(
      'loom/r1/fields',
      {
        'package.json': json(
          {
            ...PKG,
            type: 'module',
            mocha: { exit: true },
            jest: { passWithNoTests: true },
            scripts: { ...SCRIPTS, unit: 'node -e 0', pretest: undefined, 'test:e2e': 'true', lint: 'eslint .' },
            bin: { fixture: 'cli.js' },
          },
          4,
        ),
      },
      base,
    );
    const commands = [['npm', 'run', 'check']];
    const [finding] = await detectTestEdits(fx.repo, base, head, [], { commands });
    const keys = ['scripts.pretest', 'scripts.test:e2e', 'scripts.unit', 'jest', 'mocha', 'type'];
    for (const key of keys) assert.ok(finding.message.includes(key), `${key} in ${finding.message}`);
    assert.ok(!finding.message.includes('scripts.lint') && !finding.message.includes('bin'), finding.message);
    // Without the acceptance command, `unit` is not reachable from the test command.
    const [plain] = await detectTestEdits(fx.repo, base, head);
    assert.ok(!plain.message.includes('scripts.unit'), plain.message);

    const dir = await checkout(head);
    const r = await restorePristineTests({ dir, startCommit: base, commands });
    assert.deepEqual(r.packageKeys[0].keys.sort(), [...keys].sort());
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.scripts, { ...SCRIPTS, lint: 'eslint .' });
    assert.equal(pkg.type, 'commonjs');
    assert.equal(pkg.mocha, undefined);
    assert.equal(pkg.jest, undefined);
    assert.deepEqual(pkg.bin, { fixture: 'cli.js' });
  });

  it('a scope that names jest.config.js makes it a warning; a catch-all or unrelated scope does not', async () => {
    const head = fx.branch('loom/r1/jest', { 'jest.config.js': 'module.exports = { passWithNoTests: true };\n' }, base);
    const severity = async (fileScope: string[]) => (await detectTestEdits(fx.repo, base, head, [], { fileScope }))[0];
    const named = await severity(['src/**', 'jest.config.js']);
    assert.equal(named.severity, 'warning');
    assert.match(named.message, /file scope names it \(jest\.config\.js\), so this is a warning\. The verifier runs with the start commit's copy/);
    assert.equal((await severity(['*.config.js'])).severity, 'warning');
    assert.equal((await severity(['**'])).severity, 'error');
    assert.equal((await severity(['**/*'])).severity, 'error');
    assert.equal((await severity(['src/**'])).severity, 'error');
    // Named or not, the verifier runs the start commit's configuration.
    const dir = await checkout(head);
    assert.deepEqual((await restorePristineTests({ dir, startCommit: base, commands: [] })).restored, ['jest.config.js']);
  });

  it('babel configuration counts only when the tests go through babel; a symlinked package.json is replaced, never written through', async () => {
    const noJest = fx.branch('loom/r1/babel', { '.babelrc': '{}\n', 'src/math.js': MATH_FIXED });
    assert.deepEqual(await detectTestEdits(fx.repo, fx.start, noJest), []);

    const outside = path.join(fx.root, 'outside.json');
    fs.writeFileSync(outside, json({ scripts: { test: 'node -e 0' } }));
    const head = fx.branch('loom/r1/link', {}, base);
    const dir = await checkout(head);
    fs.rmSync(path.join(dir, 'package.json'));
    fs.symlinkSync(outside, path.join(dir, 'package.json'));
    const r = await restorePristineTests({ dir, startCommit: base });
    assert.deepEqual(r.restored, ['package.json']);
    assert.equal(fs.lstatSync(path.join(dir, 'package.json')).isFile(), true);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).scripts.test, SCRIPTS.test);
    assert.equal(JSON.parse(fs.readFileSync(outside, 'utf8')).scripts.test, 'node -e 0', 'the link target is untouched');
  });

  it('finds the scripts a command or script reaches', () => {
    assert.deepEqual(scriptsNamedIn('npm run build && npm test -- --grep x'), ['build', 'test']);
    assert.deepEqual(scriptsNamedIn('yarn lint; pnpm run -s check:types'), ['check:types', 'lint']);
    assert.deepEqual(scriptsNamedIn('run-s "lint:*" unit --silent'), ['lint:*', 'unit']);
    assert.deepEqual(scriptsNamedIn('concurrently npm:watch npm:serve'), ['watch', 'serve']);
    const scripts = { test: 'run-p test:*', 'test:a': 'npm run helper', 'test:b': 'x', helper: 'y', prehelper: 'z', other: 'w' };
    assert.deepEqual(reachableScripts([{ scripts }]), ['helper', 'prehelper', 'test', 'test:a', 'test:b']);
    assert.ok(reachableScripts([{ scripts }], [['sh', '-c', 'npm run other']]).includes('other'));
    assert.equal(scopeEntryNaming('./tsconfig.json', ['tsconfig.json']), 'tsconfig.json');
    assert.equal(scopeEntryNaming('tsconfig.json', ['./**']), undefined);
  });
});
