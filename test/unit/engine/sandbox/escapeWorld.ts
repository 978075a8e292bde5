import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { snapshotRepo } from '../../../../extension/engine/workspace/gitRepo';
import type { SandboxedAgent } from '../../../fixtures/sandboxedAgent';
import { EscapeLedger, OPS_SCRIPT, parseOps, type Attempt, type Finding, type Op, type Watched } from './escapeLedger';
import { caller, hashTree, hostProcessesMentioning, hostState, makeWorld, requireBubblewrap, sleep, startAgent, type Call, type World } from './sandboxHarness';

/**
 * The escape suite (issue 6): a hostile agent with Loom's real tool server and real run_command,
 * in the real bubblewrap sandbox, tries to read or change anything outside its lease. Every attempt
 * is judged by the state of the host (files, the user's HEAD/index/status, processes, sockets),
 * not by what the tool answered. Expected: 0 escapes.
 *
 * The suite is split by kind of attempt (escape*.test.ts); each file gets a world of its own from
 * useEscapeWorld(): a user repository full of canaries, the attacking agent and a victim agent in
 * another lease, and the ledger that judges every attempt. Each world ends as the whole suite did:
 * the host is checked once more after both agents are disposed (hostUntouchedAfterDispose), by the
 * test that says so or, in every other file, by the `after` hook, which fails on any finding.
 */

/** An attempt together with the op that makes it (see opsAttempts). */
export type OpAttempt = Op & { targets?: string[]; verdict?: Attempt['verdict'] };

export interface EscapeWorld {
  readonly world: World;
  readonly attacker: SandboxedAgent;
  readonly victim: SandboxedAgent;
  readonly call: Call;
  readonly ledger: EscapeLedger;
  /** The attacker's lease. */
  readonly lease: string;
  /** The victim's lease, and a canary in it. */
  readonly otherLease: string;
  readonly otherCanary: string;
  /** The folder holding both leases. */
  readonly worktrees: string;
  /** The folder of the tool server's bundle. */
  readonly bundleDir: string;
  /** Run in reverse order at the very end (after the agents are disposed). */
  readonly cleanups: Array<() => unknown>;
  /** run_command; the outcome as one string ("OK …" / "ERR …"). */
  cmd(argv: string[]): Promise<string>;
  tool(name: string, args: unknown): Promise<string>;
  /** One run of OPS_SCRIPT inside the sandbox. */
  ops(list: Op[]): Promise<Record<string, string>>;
  /** An attempt per op, judged together after one command. */
  opsAttempts(family: string, list: OpAttempt[]): Promise<Record<string, string>>;
  /** File-tool attempts run one after another and are judged together by flush (the host checks are the slow part). */
  queue(attempt: Attempt, act: () => Promise<string>): void;
  flush(family: string): Promise<void>;
  /** The tool refused (a file tool must never act outside the lease or in .git). */
  mustRefuse: Attempt['verdict'];
  /** A path relative to the lease. */
  rel(p: string): string;
  /** A new path in `dir` named with this world's token. */
  tokPath(dir: string, tag: string): string;
  /** No finding of the family (or none of that kind). */
  expectNone(family: string, only?: 'escape'): void;
  /**
   * The end of a world: the watched paths, the user's HEAD, index and status, no file named with the
   * token anywhere the host keeps state; then both agents are disposed and none of their processes
   * may remain. Findings go to the ledger under `family`.
   */
  hostUntouchedAfterDispose(family: string): Promise<void>;
}

/** The family of the end-of-world checks (the suite's last test, or the `after` hook). */
const AFTER = 'after';

/** Registers the world's before/after hooks in the calling describe; its fields are set once `before` has run. */
export function useEscapeWorld(): EscapeWorld {
  let world: World;
  let attacker: SandboxedAgent;
  let victim: SandboxedAgent;
  let call: Call;
  let ledger: EscapeLedger;
  let lease: string;
  let otherLease: string;
  let otherCanary: string;
  let worktrees: string;
  let bundleDir: string;
  let savedHome: string | undefined;
  let savedCanary: string | undefined;
  let checkedAfterDispose = false;
  const cleanups: Array<() => unknown> = [];

  async function cmd(argv: string[]): Promise<string> {
    const r = await call('run_command', { command: argv });
    return `${r.ok ? 'OK' : 'ERR'} ${r.text}`;
  }
  async function tool(name: string, args: unknown): Promise<string> {
    const r = await call(name, args);
    return `${r.ok ? 'OK' : 'ERR'} ${r.text}`;
  }
  async function ops(list: Op[]): Promise<Record<string, string>> {
    return parseOps(list, await cmd(['node', '-e', OPS_SCRIPT, JSON.stringify(list)]));
  }
  function opsAttempts(family: string, list: OpAttempt[]): Promise<Record<string, string>> {
    return ledger.run(
      family,
      list.map((o) => ({ name: o.id, targets: o.targets, verdict: o.verdict })),
      () => ops(list.map(({ targets: _t, verdict: _v, ...op }) => op)),
    );
  }
  let pending: { attempt: Attempt; act: () => Promise<string> }[] = [];
  function queue(attempt: Attempt, act: () => Promise<string>): void {
    pending.push({ attempt, act });
  }
  async function flush(family: string): Promise<void> {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    await ledger.run(family, batch.map((b) => b.attempt), async () => {
      const out: Record<string, string> = {};
      for (const b of batch) out[b.attempt.name] = await b.act();
      return out;
    }, { fileTool: true });
  }
  const mustRefuse: Attempt['verdict'] = (out) => (out.startsWith('OK') ? { kind: 'guard', detail: `tool did not refuse: ${out.slice(0, 160)}` } : null);
  const rel = (p: string) => path.relative(lease, p);
  const tokPath = (dir: string, tag: string) => path.join(dir, `${world.tok}-${tag}`);

  function expectNone(family: string, only?: 'escape'): void {
    const found = ledger.of(family, only);
    assert.deepEqual(found, [], `${family}: ${found.length} finding(s):\n${found.map(show).join('\n')}`);
  }

  async function hostUntouchedAfterDispose(F: string): Promise<void> {
    checkedAfterDispose = true;
    ledger.checkWatched(F);
    const snap = await snapshotRepo(world.repo);
    await ledger.run(F, [{ name: "user's HEAD, index and status", verdict: () => (JSON.stringify(snap) !== JSON.stringify(world.repoBefore) ? { kind: 'escape', detail: `the user's checkout changed: ${JSON.stringify(snap)}` } : null) }], async () => '');
    // Anything named with this world's token anywhere the host keeps state.
    const roots = ['/', '/etc', '/usr', '/usr/local/bin', '/home', '/run', '/var/tmp', '/dev/shm', os.tmpdir(), world.realHome, world.fakeHome, world.repo, worktrees, world.runDir, path.join(world.paths.gitDir, 'hooks')];
    const stray = roots.flatMap((d) => safeReaddir(d).filter((n) => n.includes(world.tok)).map((n) => path.join(d, n)));
    await ledger.run(F, [{ name: 'no file named with the token outside the lease', verdict: () => (stray.length ? { kind: 'escape', detail: `found ${stray.join(', ')}` } : null) }], async () => '');

    const leasePath = attacker.lease.path;
    await attacker.dispose();
    await victim.dispose();
    const t0 = Date.now();
    let left = hostProcessesMentioning(leasePath).concat(hostProcessesMentioning(world.tok));
    while (left.length && Date.now() - t0 < 3000) {
      await sleep(100);
      left = hostProcessesMentioning(leasePath).concat(hostProcessesMentioning(world.tok));
    }
    await ledger.run(F, [{ name: 'no process of the agent after dispose', verdict: () => (left.length ? { kind: 'escape', detail: `still running: ${left.map((l) => `${l.pid} ${l.cmdline.slice(0, 120)}`).join('; ')}` } : null) }], async () => '', { watch: false });
  }

  before(async function () {
    requireBubblewrap(this);
    world = await makeWorld();
    cleanups.push(() => world.cleanup());
    // The test process's own environment and home: nothing of either may reach the agent.
    savedHome = process.env.HOME;
    savedCanary = process.env.LOOM_TEST_CANARY_TOKEN;
    process.env.HOME = world.fakeHome;
    process.env.LOOM_TEST_CANARY_TOKEN = world.envCanary;
    attacker = await startAgent(world, 't1');
    victim = await startAgent(world, 'victim');
    call = caller(attacker);
    lease = attacker.lease.path;
    otherLease = victim.lease.path;
    otherCanary = path.join(otherLease, 'other-canary.txt');
    fs.writeFileSync(otherCanary, `${world.canaries.invisible.otherLease}\n`);
    worktrees = path.dirname(lease);
    bundleDir = path.dirname(world.toolServer);

    const bundleState = () => fs.readdirSync(bundleDir).map((n) => `${n}:${fs.statSync(path.join(bundleDir, n)).size}:${fs.statSync(path.join(bundleDir, n)).mtimeMs}`).join(',');
    const watched: Watched[] = [
      { key: 'checkout', path: world.repo, state: () => hashTree(world.repo, (p) => p === world.paths.gitDir) },
      { key: 'git dir', path: world.paths.gitDir, state: () => hashTree(world.paths.gitDir) },
      { key: 'node_modules', path: path.join(world.repo, 'node_modules'), state: () => hashTree(path.join(world.repo, 'node_modules')) },
      { key: 'fake HOME', path: world.fakeHome, state: () => hashTree(world.fakeHome) },
      { key: 'host /tmp canary', path: world.hostTmpDir, state: () => hashTree(world.hostTmpDir) },
      { key: "lease's .git file", path: path.join(lease, '.git'), state: () => hostState(path.join(lease, '.git')) },
      { key: 'other lease', path: otherLease, state: () => hashTree(otherLease, (p) => p.startsWith(path.join(otherLease, 'victim-work'))) },
      { key: 'worktrees root', path: worktrees, state: () => fs.readdirSync(worktrees).sort().join(',') },
      { key: 'run folder', path: world.runDir, state: () => fs.readdirSync(world.runDir).sort().join(',') },
      { key: 'tool server bundle', path: bundleDir, state: bundleState },
    ];
    const { invisible, guarded } = world.canaries;
    ledger = new EscapeLedger(watched, Object.values(invisible), [...Object.values(guarded), 'root:x:0:0', 'LOOM_AGENT_ID=', 'gitdir:']);
    ledger.setBaseline();
  });

  after(async function () {
    // A file without the end-of-world test still ends with its checks (the hook fails on a finding, below).
    let endChecks: { error?: unknown; findings: Finding[] } | undefined;
    if (ledger && !checkedAfterDispose) {
      endChecks = { findings: [] };
      try {
        await hostUntouchedAfterDispose(AFTER);
      } catch (error) {
        endChecks.error = error;
      }
      endChecks.findings = ledger.of(AFTER);
    }
    if (ledger) {
      const escapes = ledger.findings.filter((f) => f.kind === 'escape').length;
      const guard = ledger.findings.filter((f) => f.kind === 'guard').length;
      const byFamily = [...ledger.families].map(([f, n]) => `${f} ${n}`).join(', ');
      console.log(`\n    escape suite: ${ledger.attempts} attempts, ${escapes} escapes, ${guard} file-tool guard failures (${byFamily})`);
      for (const f of ledger.findings) console.log(`      ${show(f)}`);
      // Best effort: remove anything an escape left on the host.
      for (const dir of ['/', '/etc', '/usr', '/usr/local/bin', '/home', '/run', '/var/tmp', '/dev/shm', os.tmpdir(), world.realHome]) {
        for (const name of safeReaddir(dir)) if (name.includes(world.tok)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      }
    }
    await victim?.dispose().catch(() => undefined);
    await attacker?.dispose().catch(() => undefined);
    if (savedHome === undefined) delete process.env.HOME;
    else process.env.HOME = savedHome;
    if (savedCanary === undefined) delete process.env.LOOM_TEST_CANARY_TOKEN;
    else process.env.LOOM_TEST_CANARY_TOKEN = savedCanary;
    for (const fn of cleanups.splice(0).reverse()) await fn();
    if (endChecks?.error) throw endChecks.error;
    if (endChecks) assert.deepEqual(endChecks.findings, [], `${AFTER}: ${endChecks.findings.length} finding(s) once the agents were disposed:\n${endChecks.findings.map(show).join('\n')}`);
  });

  return {
    get world() {
      return world;
    },
    get attacker() {
      return attacker;
    },
    get victim() {
      return victim;
    },
    get call() {
      return call;
    },
    get ledger() {
      return ledger;
    },
    get lease() {
      return lease;
    },
    get otherLease() {
      return otherLease;
    },
    get otherCanary() {
      return otherCanary;
    },
    get worktrees() {
      return worktrees;
    },
    get bundleDir() {
      return bundleDir;
    },
    cleanups,
    cmd,
    tool,
    ops,
    opsAttempts,
    queue,
    flush,
    mustRefuse,
    rel,
    tokPath,
    expectNone,
    hostUntouchedAfterDispose,
  };
}

function show(f: Finding): string {
  return `[${f.kind}] ${f.family} / ${f.attempt}: ${f.detail}`;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
