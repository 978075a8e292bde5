import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { inLanes } from '../../base/inLanes';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DrillContext, DrillHost, DrillVerdict } from './drill';
import { runDrillScenario } from './drillRun';
import type { RegisteredDrill } from './drillRegistry';

export interface DrillResult extends DrillVerdict {
  mode: number;
  name: string;
  expected: string;
  durationMs: number;
  /** The drill's folder (repositories, LOOM_HOME), when kept. */
  kept: string | null;
}

/**
 * Runs drills, at most `concurrency` at a time, each in a temp folder of its own that is removed
 * afterwards (its repositories, worktrees, branches and runs with it) unless `keep`. A drill that
 * throws does not hold: the error is its produced outcome.
 */
export async function runDrills(
  drills: readonly RegisteredDrill[],
  host: DrillHost,
  options: { keep: boolean; concurrency: number; onResult?: (result: DrillResult) => void },
): Promise<DrillResult[]> {
  return inLanes(drills, options.concurrency, async (drill) => {
    const result = await runOne(drill, host, options.keep);
    options.onResult?.(result);
    return result;
  });
}

/** What a drill works with: its folder, the host's CLI, and runs made in that folder. */
export function drillContext(dir: string, host: DrillHost): DrillContext {
  return { dir, host, run: (input) => runDrillScenario(dir, host, input) };
}

async function runOne(drill: RegisteredDrill, host: DrillHost, keep: boolean): Promise<DrillResult> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `loom-drill-${drill.mode}-`)));
  const started = Date.now();
  let outcome: DrillVerdict;
  try {
    outcome = await drill.perform(drillContext(dir, host));
  } catch (err) {
    outcome = { holds: false, produced: `the drill could not run: ${(err as Error).message}` };
  }
  if (!keep) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  return { mode: drill.mode, name: drill.name, expected: drill.expected, ...outcome, durationMs: Date.now() - started, kept: keep ? dir : null };
}
