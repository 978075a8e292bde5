import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DRILLS } from '../engine/drills/drillRegistry';
import { runDrills, type DrillResult } from '../engine/drills/runDrills';
import type { DrillHost } from '../engine/drills/drill';
import { bundlePaths, packageRoot } from './bundlePaths';
import { executeRun } from './executeRun';
import { replayCommand } from './replayCommand';
import { resolveCommand } from './resolveCommand';
import { EXIT, UsageError } from './usageError';

/** `loom drill [N…]`: the failure-mode drills, a table of what Loom produced, and whether each holds. */
export async function drillCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { keep: { type: 'boolean' }, concurrency: { type: 'string' }, verbose: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const selected = selectDrills(positionals);
  const concurrency = values.concurrency === undefined ? 2 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency <= 0) throw new UsageError(`--concurrency takes a positive whole number, not "${values.concurrency}"`);

  const quiet = (line: string) => {
    if (values.verbose) print(line);
  };
  print(`Running ${selected.length} drill${selected.length === 1 ? '' : 's'} against the model simulator, ${concurrency} at a time…`);
  const started = Date.now();
  const results = await runDrills(selected, cliDrillHost(quiet), {
    keep: !!values.keep,
    concurrency,
    onResult: (r) => print(`  drill ${r.mode} ${r.name}: ${r.holds ? '✓ holds' : '✗ does not hold'} (${(r.durationMs / 1000).toFixed(1)}s)${r.kept ? ` — kept ${r.kept}` : ''}`),
  });
  print('');
  for (const line of drillTable(results)) print(line);
  print('');
  const held = results.filter((r) => r.holds).length;
  print(`${held}/${results.length} drills hold (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  return held === results.length ? EXIT.ok : EXIT.taskFailures;
}

/** The drills the arguments name, in mode order; all of them when none is named. */
export function selectDrills(positionals: readonly string[]) {
  if (positionals.length === 0) return [...DRILLS];
  const modes = new Set<number>();
  for (const arg of positionals) {
    const mode = Number(arg);
    if (!DRILLS.some((d) => d.mode === mode)) throw new UsageError(`there is no drill "${arg}": drills are numbered 1 to ${DRILLS.length} (loom drill --help lists them)`);
    modes.add(mode);
  }
  return DRILLS.filter((d) => modes.has(d.mode));
}

/** A Markdown table: mode, name, expected outcome, produced outcome, ✓/✗. */
export function drillTable(results: readonly DrillResult[]): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '| # | failure mode | expected | produced | holds |',
    '|---|---|---|---|---|',
    ...results.map((r) => `| ${r.mode} | ${r.name} | ${cell(r.expected)} | ${cell(r.produced)} | ${r.holds ? '✓' : '✗'} |`),
  ];
}

/** `loom run` and `loom replay` exactly as the CLI runs them, lent to the drills; their output goes to `print`. */
export function cliDrillHost(print: (line: string) => void): DrillHost {
  return {
    execute: async (options, approvals) => {
      const run = await executeRun(options, print, { mode: approvals, by: 'drill' });
      return { exitCode: run.exitCode, journalPath: run.journalPath };
    },
    replay: async (runId, loomHome) => {
      const output: string[] = [];
      const exitCode = await replayCommand([runId, '--loom-home', loomHome, '--no'], (line) => {
        output.push(line);
        print(line);
      });
      return { exitCode, output };
    },
    resolve: (runId, loomHome, escalationId, choice) => resolveCommand([runId, escalationId, choice, '--loom-home', loomHome], print),
    cliPath: join(packageRoot(), 'dist', 'cli', 'main.js'),
    bundle: bundlePaths(),
  };
}
