// Per-command cost of the sandbox: the same command run through Loom's process layer unconfined and
// inside the bubblewrap sandbox an agent's commands get (lease read-write, node_modules copy-on-write),
// alternating in one process so machine noise hits both alike. Prints medians and their ratio.
//   npx tsx test/bench/sandboxOverhead.bench.ts
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess } from '../../extension/engine/process/runProcess';
import { bubblewrapArgv } from '../../extension/engine/sandbox/bubblewrapCommand';
import { prepareDependencyMounts } from '../../extension/engine/sandbox/dependencyMounts';
import { detectSandbox } from '../../extension/engine/sandbox/detectSandbox';
import { removeTree } from '../../extension/engine/sandbox/removeTree';
import type { Confinement } from '../../extension/protocol/sandbox';

const ROUNDS = Number(process.env.LOOM_BENCH_ROUNDS ?? 15);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(argv: string[], cwd: string): Promise<number> {
  const started = process.hrtime.bigint();
  const outcome = await runProcess(argv, { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 30_000, maxOutputChars: 4000 });
  if (outcome.exitCode !== 0) throw new Error(`${argv.join(' ')} failed: ${outcome.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const spec = detectSandbox();
  if (spec.kind === 'none') throw new Error(`no sandbox here: ${spec.summary}`);
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'loom-bench-sandbox-')));
  const repo = path.join(root, 'repo');
  const lease = path.join(root, 'lease');
  fs.mkdirSync(path.join(repo, 'node_modules', 'dep'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'node_modules', 'dep', 'index.js'), 'module.exports = 42;\n');
  fs.mkdirSync(lease);
  try {
    const dependencies = await prepareDependencyMounts(repo, lease, path.join(root, 'deps'), { copyOnWrite: spec.unshare !== undefined });
    const confinement: Confinement = { writable: [lease], readable: [], dependencies, network: 'loopback' };
    const commands: [string, string[]][] = [
      ['/bin/true', ['/bin/true']],
      ["node -e require('dep')", [process.execPath, '-e', "require('dep')"]],
    ];
    console.log(`sandbox: ${spec.summary}`);
    console.log(`${ROUNDS} rounds each, alternating; medians in ms\n`);
    for (const [name, argv] of commands) {
      const plain: number[] = [];
      const boxed: number[] = [];
      // Unconfined, the dependency is where node looks for it in the lease: a real folder, as a plain checkout has.
      fs.cpSync(path.join(repo, 'node_modules'), path.join(root, 'plain', 'node_modules'), { recursive: true });
      for (let i = 0; i < ROUNDS; i++) {
        plain.push(await timed(argv, path.join(root, 'plain')));
        boxed.push(await timed(bubblewrapArgv(spec, confinement, argv, lease), lease));
      }
      const p = median(plain);
      const b = median(boxed);
      console.log(`${name.padEnd(24)} unconfined ${p.toFixed(1).padStart(7)}  sandboxed ${b.toFixed(1).padStart(7)}  overhead ${(b - p).toFixed(1).padStart(6)} ms  ratio ${(b / p).toFixed(2)}x`);
    }
  } finally {
    removeTree(root);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
