import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import type { RunEvent } from '../../../../extension/protocol/events';
import { makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';
import { startCollector } from '../../../fixtures/otlpCollector';
import { PASS_VERDICT, planTask, report, requireBuild, ROOT, specWith, write } from '../run/runHarness';

const CLI = join(ROOT, 'dist', 'cli', 'main.js');

// Canaries are made at run time (no secret-shaped literal in the repository) and unique per run.
const tag = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
let seed = [...tag].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 0x01000193), 0x811c9dc5);
const base62 = (n: number) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < n; i++) {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out += alphabet[((t ^ (t >>> 14)) >>> 0) % 62];
  }
  return out;
};

/** In Loom's own environment: the configured key, a cloud secret, a service token. */
const ENV_CANARIES = {
  OPENAI_API_KEY: ['sk', 'proj', `canaryEnv${tag}`, base62(60)].join('-'),
  AWS_SECRET_ACCESS_KEY: `canaryAws${tag}${base62(24)}`,
  MY_SERVICE_TOKEN: `canary-service-token-${tag}`,
};

/** In a `.env` committed to the target repository, one per redaction rule. */
const FILE_CANARIES = {
  openaiFormat: ['sk', 'proj', `canaryFile${tag}`, base62(60)].join('-'),
  githubFormat: `ghp_${base62(36)}`,
  namedSecret: `canary-db-password-${tag}`,
  highEntropy: base62(40) + '7',
  urlPassword: `canaryUrlPw${tag}`,
};

const DOTENV = [
  '# local settings',
  'NODE_ENV=production',
  'APP_NAME=visible-marker-app',
  `OPENAI_API_KEY=${FILE_CANARIES.openaiFormat}`,
  `GITHUB_TOKEN=${FILE_CANARIES.githubFormat}`,
  `DB_PASSWORD=${FILE_CANARIES.namedSecret}`,
  `SESSION_SIGNING=${FILE_CANARIES.highEntropy}`,
  `DATABASE_URL=postgres://app:${FILE_CANARIES.urlPassword}@db.internal:5432/app`,
  // A value only the process environment knows is secret: nothing in its name or shape says so.
  `LEGACY_SETTING=${ENV_CANARIES.MY_SERVICE_TOKEN}`,
  '',
].join('\n');

const CANARIES: Record<string, string> = { ...ENV_CANARIES, ...FILE_CANARIES };

/** The parent of every process, from /proc. */
function processTree(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone already
    }
  }
  return parents;
}

function descendantsOf(root: number): number[] {
  const parents = processTree();
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    for (const [child, parent] of parents) {
      if (parent === pid) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/**
 * Reads /proc/<pid>/environ and cmdline of every descendant of `root` (not `root` itself: that
 * is Loom, which holds the configured key by design) every few milliseconds while a run is live.
 */
function watchEnvirons(root: number): { stop: () => void; seen: Map<number, string>; leaks: string[] } {
  const seen = new Map<number, string>();
  const leaks: string[] = [];
  const cmdlineOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  const loom = cmdlineOf(root);
  const scan = () => {
    for (const pid of descendantsOf(root)) {
      let environ: string;
      let cmdline: string;
      try {
        cmdline = cmdlineOf(pid);
        environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
        // Between fork and exec a child still shows Loom's own command line and environment: it is
        // Loom for that moment, not yet the program it is about to become.
        if (cmdline === loom || cmdline !== cmdlineOf(pid)) continue;
      } catch {
        continue;
      }
      // The latest: a child caught between a tool server's fork and its exec shows the server's command line first.
      seen.set(pid, cmdline);
      for (const [name, value] of Object.entries(CANARIES)) {
        if (environ.includes(value)) leaks.push(`${name} in /proc/${pid}/environ (${cmdline})`);
      }
    }
  };
  const timer = setInterval(scan, 25);
  return { stop: () => clearInterval(timer), seen, leaks };
}

function occurrences(where: string, text: string): string[] {
  return Object.entries(CANARIES)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => `${name} in ${where}`);
}

describe('secret canaries: a run whose agent reads a .env leaks no secret anywhere', function () {
  this.timeout(180_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let sim: Simulator;

  before(async () => {
    requireBuild();
    repo = await makeRepo({ '.env': DOTENV, 'README.md': '# app\n', 'SPEC.md': specWith(['config check']) });
    home = await makeTempDir('loom-canary-home-');
    const plan = { tasks: [planTask('config-check', 'R1', ['src/config.js'], null)] };
    const runCommand = (...command: string[]) => ({ name: 'run_command', arguments: { command } });
    sim = await startSimulator({
      recordBodies: true,
      scenario: {
        name: 'secret-canary',
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
          {
            match: { role: 'implementor' },
            turns: [
              // The .env is read with a command, not read_file: read_file of a secret-bearing file
              // waits on an approval, and what is tested here is what happens once it is read.
              { toolCalls: [runCommand('node', '-e', "console.log(require('fs').readFileSync('.env','utf8'))")] },
              // Fails, naming a secret in its error: failures are printed by the CLI and are span statuses.
              { toolCalls: [{ name: 'read_file', arguments: { path: `config/${FILE_CANARIES.openaiFormat}.json` } }] },
              // Prints its own environment, and lives long enough for its environ to be read.
              { toolCalls: [runCommand('node', '-e', 'console.log(JSON.stringify(process.env)); setTimeout(() => {}, 1500)')] },
              { toolCalls: [write('src/config.js', 'module.exports = { ok: true };\n')] },
              { toolCalls: [report('config checked', ['src/config.js'])] },
            ],
          },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    });
  });

  after(async () => {
    await sim?.close();
    await repo?.cleanup();
    await home?.cleanup();
  });

  it('0 occurrences in the journal, the OTLP spans, the CLI output, the model requests and every agent-side environ', async () => {
    const collector = await startCollector();
    try {
      const cli = spawn(
        process.execPath,
        [CLI, 'run', '--spec', join(repo.dir, 'SPEC.md'), '--repo', repo.dir, '--base-url', sim.url, '--model', 'loom-sim-1', '--loom-home', home.dir, '--otlp', collector.url],
        { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...ENV_CANARIES }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const watch = watchEnvirons(cli.pid!);
      let stdout = '';
      let stderr = '';
      cli.stdout.on('data', (d) => (stdout += d));
      cli.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve, reject) => {
        cli.on('error', reject);
        cli.on('close', resolve);
      });
      watch.stop();
      const output = stdout + stderr;
      assert.equal(code, 0, output);

      const journalPath = /^Journal: (.+)$/m.exec(stdout)?.[1];
      assert.ok(journalPath, stdout);
      const journalText = readFileSync(journalPath, 'utf8');
      const events: RunEvent[] = readJournal(journalPath).events;

      // The run really did what the test is about: the .env and the environment reached the agent.
      const calls = events.filter((e): e is Extract<RunEvent, { type: 'tool/didCall' }> => e.type === 'tool/didCall');
      assert.deepEqual(
        calls.map((c) => `${c.tool} ${c.ok}`),
        ['run_command true', 'read_file false', 'run_command true', 'write_file true', 'report_result true'],
        JSON.stringify(calls, null, 1),
      );
      const bodies = sim.requests.map((r) => r.body ?? '');
      assert.ok(bodies.length >= 5 && bodies.every(Boolean), 'every model request body was recorded');
      const implementorBodies = sim.requests.filter((r) => r.role === 'implementor').map((r) => r.body ?? '');
      const last = implementorBodies[implementorBodies.length - 1]!;
      // The model saw the file, redacted: ordinary lines as they are, each secret replaced.
      assert.match(last, /APP_NAME=visible-marker-app/);
      for (const marker of ['openai-key', 'github-token', 'secret-assignment', 'high-entropy', 'password', '$MY_SERVICE_TOKEN']) {
        assert.ok(last.includes(`[redacted:${marker}]`), `no [redacted:${marker}] in what the model got`);
      }

      // Each place held the secrets' stand-ins, so finding no secret there means something.
      assert.match(journalText, /APP_NAME=visible-marker-app/);
      assert.match(journalText, /\[redacted:secret-assignment\]/);
      assert.match(output, /read_file failed: .*\[redacted:openai-key\]/);
      const spans = collector.spans();
      assert.match(JSON.stringify(spans), /\[redacted:openai-key\]/);
      assert.ok(spans.some((s) => s.name === 'execute_tool run_command'), 'the trace was exported');
      const mcpStarts = events.filter((e): e is Extract<RunEvent, { type: 'mcp/didStart' }> => e.type === 'mcp/didStart');
      assert.ok(mcpStarts.some((e) => e.agentId.startsWith('impl-')), `the implementor started its MCP server: ${JSON.stringify(mcpStarts)}`);
      const mcpPids = mcpStarts.map((e) => e.pid);
      for (const pid of mcpPids) assert.ok(watch.seen.has(pid), `MCP server ${pid} was never seen live: ${JSON.stringify([...watch.seen])}`);
      assert.ok(
        [...watch.seen.values()].some((cmd) => cmd.includes('setTimeout')),
        `a command the agent ran was seen live: ${JSON.stringify([...watch.seen.values()])}`,
      );

      const leaks = [
        ...occurrences('the journal', journalText),
        ...occurrences('the OTLP spans', JSON.stringify(spans)),
        ...occurrences('the CLI output', output),
        ...bodies.flatMap((body, i) => occurrences(`model request ${i} (${sim.requests[i]!.agentId})`, body)),
        ...watch.leaks,
      ];
      assert.deepEqual(leaks, []);
    } finally {
      await collector.close();
    }
  });
});
