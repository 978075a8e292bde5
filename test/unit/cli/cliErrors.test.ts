import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTERNAL_ERROR_NAMES, reportError, USER_ERRORS } from '../../../extension/cli/cliErrors';
import { JournalWriter } from '../../../extension/engine/journal/journalWriter';
import { runPaths } from '../../../extension/engine/run/runPaths';
import type { EventBody } from '../../../extension/protocol/events';
import { git, makeRepo, makeTempDir } from '../../fixtures/gitRepo';
import { ROOT, requireBuild } from '../engine/run/runHarness';
import { loom } from './loomCli';

const SCENARIO = join(ROOT, 'examples', 'demo', 'scenario.json');
const SPEC = '# S\n\n## R1: a\n\nA.\n\nAcceptance:\n- works\n';
/** A line of a stack trace. */
const STACK_FRAME = /\n\s+at /;

/** Every `class XError extends Error` in the committed sources under extension/. */
function errorClassesInSource(): string[] {
  const files = execFileSync('git', ['ls-files', '--', 'extension/*.ts'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  return files.flatMap((file) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(/class (\w+Error) extends Error\b/g)].map((m) => m[1]));
}

/** A user error's output: the command's prefix once, the message, a hint to --help, no stack. */
function assertUserError(result: { code: number | null; stdout: string; stderr: string }, command: string, message: RegExp, code = 2): void {
  assert.equal(result.code, code, result.stdout + result.stderr);
  assert.ok(result.stderr.startsWith(`loom ${command}: `), result.stderr);
  assert.doesNotMatch(result.stderr, new RegExp(`^loom ${command}: loom ${command}`), 'no doubled prefix');
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, STACK_FRAME, 'no stack trace');
  assert.doesNotMatch(result.stderr, /unexpected error|bug in Loom/);
  if (code === 2) assert.match(result.stderr, new RegExp(`\\(loom ${command} --help describes its arguments and flags\\)`));
}

describe('CLI errors: one mapping from error type to exit code, no stack trace for a user error', function () {
  this.timeout(120_000);

  describe('the mapping (in-process)', () => {
    it('covers every error class under extension/: each is a user error with an exit code, or named as a bug', () => {
      const decided = new Set([...USER_ERRORS.map(([type]) => type.name), ...INTERNAL_ERROR_NAMES]);
      const undecided = errorClassesInSource().filter((name) => !decided.has(name));
      assert.deepEqual(undecided, [], 'add each to USER_ERRORS (with its exit code) or INTERNAL_ERROR_NAMES in extension/cli/cliErrors.ts');
    });

    it('prints each user error as "loom <cmd>: message" with a hint, and never its stack', () => {
      for (const [type, exitCode] of USER_ERRORS) {
        const err = Object.assign(Object.create(type.prototype) as Error, { message: `loom run: something about ${type.name}`, stack: `${type.name}: x\n    at somewhere (file.js:1:1)` });
        const reported = reportError('run', err);
        assert.equal(reported.exitCode, exitCode, type.name);
        assert.equal(reported.text.split('\n')[0], `loom run: something about ${type.name}`, `${type.name}: the prefix once`);
        assert.doesNotMatch(reported.text, STACK_FRAME, type.name);
      }
    });

    it('a file the system refuses is named with its reason, exit 2, no stack', () => {
      let thrown: unknown;
      try {
        readFileSync('/no/such/file.md');
      } catch (err) {
        thrown = err;
      }
      const reported = reportError('status', thrown);
      assert.equal(reported.exitCode, 2);
      assert.equal(reported.text, 'loom status: /no/such/file.md: no such file or directory\n');
    });

    it('anything else is a bug: it says so and prints the stack, exit 1', () => {
      const reported = reportError('run', new Error('undefined is not a function'));
      assert.equal(reported.exitCode, 1);
      assert.match(reported.text, /^loom run: unexpected error\. This is a bug in Loom; please report it with this output:\nError: undefined is not a function\n\s+at /);
    });
  });

  describe('the built CLI', () => {
    before(requireBuild);
    let work: { dir: string; cleanup: () => Promise<void> };
    let repo: { dir: string; cleanup: () => Promise<void> };
    let spec: string;
    before(async () => {
      work = await makeTempDir('loom-cli-errors-');
      repo = await makeRepo({ 'a.txt': 'a\n' });
      spec = join(work.dir, 'SPEC.md');
      writeFileSync(spec, SPEC);
    });
    after(async () => {
      await repo.cleanup();
      await work.cleanup();
    });

    it('UsageError: a missing flag or run id, without the doubled prefix', async () => {
      assertUserError(await loom(['run', '--spec', spec]), 'run', /^loom run: --repo DIR is missing/);
      assertUserError(await loom(['status']), 'status', /^loom status: needs a run id/);
      assertUserError(await loom(['simulate']), 'simulate', /^loom simulate: needs --scenario FILE/);
      assertUserError(await loom(['trace', 'some-run']), 'trace', /^loom trace: needs --otlp URL/);
    });

    it("node's parseArgs errors (ERR_PARSE_ARGS_*): in the CLI's words, with the command's usage", async () => {
      const unknown = await loom(['run', '--nope']);
      assertUserError(unknown, 'run', /^loom run: unknown option --nope\nUsage: loom run --spec FILE --repo DIR/);
      const noValue = await loom(['run', '--spec']);
      assertUserError(noValue, 'run', /^loom run: --spec needs a value\n/);
      const positional = await loom(['demo', 'extra']);
      assertUserError(positional, 'demo', /^loom demo: unexpected argument "extra": this command takes flags only\nUsage: loom demo/);
      const status = await loom(['status', '--otlp', 'x']);
      assertUserError(status, 'status', /^loom status: unknown option --otlp\n/);
      for (const r of [unknown, noValue, positional, status]) assert.doesNotMatch(r.stderr, /To specify a positional argument/);
    });

    it('the spec and the repository are checked before the simulator starts: missing, not a file, not a git repository', async () => {
      const plainDir = join(work.dir, 'not-a-repo');
      mkdirSync(plainDir, { recursive: true });
      const cases: Array<[string[], RegExp]> = [
        [['--repo', repo.dir], /--spec FILE is missing/],
        [['--spec', join(work.dir, 'nope.md'), '--repo', repo.dir], /--spec \S+nope\.md: no such file/],
        [['--spec', work.dir, '--repo', repo.dir], /--spec \S+: a folder, not a spec file/],
        [['--spec', spec, '--repo', join(work.dir, 'no-such-dir')], /--repo \S+no-such-dir: no such folder/],
        [['--spec', spec, '--repo', plainDir], /--repo \S+not-a-repo is not a git repository/],
      ];
      for (const [args, message] of cases) {
        const result = await loom(['run', '--simulate', SCENARIO, ...args]);
        assertUserError(result, 'run', message);
        assert.doesNotMatch(result.stdout, /Model simulator/, `nothing started for ${args.join(' ')}`);
      }
      const badSpec = join(work.dir, 'bad.md');
      writeFileSync(badSpec, '# S\n\n## Requirement 1\n\ntext\n');
      const malformed = await loom(['run', '--simulate', SCENARIO, '--spec', badSpec, '--repo', repo.dir]);
      assertUserError(malformed, 'run', /the spec has errors:\n.*bad\.md:3: /);
      assert.equal(malformed.stdout, '');
    });

    it('RunInputError: a repository without commits', async () => {
      const empty = join(work.dir, 'empty-repo');
      mkdirSync(empty);
      await git(empty, 'init', '-q');
      assertUserError(await loom(['run', '--simulate', SCENARIO, '--spec', spec, '--repo', empty]), 'run', /has no commits yet/);
    });

    it('ScenarioError, ModelNotConfiguredError, PolicyError, PriceTableError, McpConfigError: a bad file or no model', async () => {
      const bad = join(work.dir, 'bad.json');
      writeFileSync(bad, '{ not json');
      const run = (...extra: string[]) => loom(['run', '--spec', spec, '--repo', repo.dir, ...extra]);
      assertUserError(await run('--simulate', join(work.dir, 'missing-scenario.json')), 'run', /Invalid scenario .*missing-scenario\.json/);
      assertUserError(await run(), 'run', /No model is configured: [^\n]*\n[\s\S]*--base-url URL --model NAME/);
      assertUserError(await run('--simulate', SCENARIO, '--policy', bad), 'run', /bad\.json/);
      assertUserError(await run('--simulate', SCENARIO, '--prices', bad), 'run', /bad\.json/);
      assertUserError(await run('--simulate', SCENARIO, '--mcp-config', bad), 'run', /bad\.json: not valid JSON/);
      assertUserError(await run('--simulate', SCENARIO, '--mcp-config', join(work.dir, 'missing-mcp.json')), 'run', /--mcp-config \S+missing-mcp\.json: no such file/);
    });

    describe('errors about a recorded run', () => {
      let home: string;
      const runId = 'run-finished';
      before(async () => {
        home = join(work.dir, 'home');
        const writer = new JournalWriter(runPaths(home, runId).journal, { fsync: false });
        const head = (await git(repo.dir, 'rev-parse', 'HEAD')).trim();
        const events: EventBody[] = [
          { type: 'run/didStart', runId, repo: repo.dir, baseCommit: head, baseBranch: 'main', specPath: spec, specRevision: 'r1', model: 'sim', concurrency: 1 },
          { type: 'escalation/didOpen', escalationId: 'esc-1', kind: 'approval', taskIds: ['t1'], question: 'may t1 run curl?', options: ['approve', 'deny'], files: [] },
          { type: 'run/didFinish', status: 'failed', integrationBranch: null, integrationCommit: null },
        ];
        for (const event of events) writer.append(event);
        writer.dispose();
      });

      it('ForkError: forking after the run finished', async () => {
        assertUserError(await loom(['replay', runId, '--fork-at', '2', '--simulate', SCENARIO, '--loom-home', home]), 'replay', /cannot fork run run-finished at event 2: the run had finished by event 2/);
      });

      it('RunInputError from resume: the run already finished', async () => {
        assertUserError(await loom(['resume', runId, '--simulate', SCENARIO, '--loom-home', home]), 'resume', /run run-finished already finished \(failed\)/);
      });

      it("resume checks the recorded repository before the simulator starts: the run's repository is gone", async () => {
        const gone = 'run-repo-gone';
        const writer = new JournalWriter(runPaths(home, gone).journal, { fsync: false });
        writer.append({ type: 'run/didStart', runId: gone, repo: join(work.dir, 'deleted-repo'), baseCommit: 'a'.repeat(40), baseBranch: 'main', specPath: spec, specRevision: 'r1', model: 'sim', concurrency: 1 });
        writer.dispose();
        const result = await loom(['resume', gone, '--simulate', SCENARIO, '--loom-home', home]);
        assertUserError(result, 'resume', /^loom resume: the run's recorded repository \S+deleted-repo: no such folder\n/);
        assert.doesNotMatch(result.stdout, /Model simulator/);
        for (const args of [['--fork-at', '0', '--simulate', SCENARIO], []]) {
          const replayed = await loom(['replay', gone, ...args, '--loom-home', home]);
          assertUserError(replayed, 'replay', /^loom replay: the run's recorded repository \S+deleted-repo: no such folder\n/);
        }
        assert.deepEqual(readdirSync(join(home, 'runs')).filter((d) => d.startsWith(gone)), [gone], 'no fork or replay folder left behind');
      });

      it('EscalationError: answering an approval of a run that ended', async () => {
        assertUserError(await loom(['resolve', runId, 'esc-1', 'approve', '--loom-home', home]), 'resolve', /run run-finished has finished; nobody waits for esc-1/);
      });

      it('no journal: the run id is not under LOOM_HOME', async () => {
        assertUserError(await loom(['status', 'no-such-run', '--loom-home', home]), 'status', /no journal for run no-such-run at .*loom runs lists the runs kept there/);
        assertUserError(await loom(['replay', 'no-such-run', '--loom-home', home]), 'replay', /no journal for run no-such-run/);
      });

      it('a folder given where a journal is expected: status reads the run folder', async () => {
        const result = await loom(['status', runPaths(home, runId).runDir]);
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stdout, /Loom run run-finished: failed/);
        assert.doesNotMatch(result.stderr, STACK_FRAME);
      });
    });

    it('GitCommandError: clean on a folder that is not a git repository', async () => {
      const plainDir = join(work.dir, 'plain');
      mkdirSync(plainDir, { recursive: true });
      const result = await loom(['clean', 'some-run', '--repo', plainDir, '--loom-home', join(work.dir, 'home2')]);
      assertUserError(result, 'clean', /^loom clean: \S+plain is not a git repository \(git init, then commit once\)\n/);
      const missing = await loom(['clean', 'some-run', '--repo', join(work.dir, 'gone'), '--loom-home', join(work.dir, 'home2')]);
      assertUserError(missing, 'clean', /^loom clean: \S+gone: no such folder\n/);
    });
  });
});
