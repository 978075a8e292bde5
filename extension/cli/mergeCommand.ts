import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loomHome } from '../engine/run/runPaths';
import { finishedRun } from '../engine/run/runResult';
import { mergeRunResult } from '../engine/run/mergeRunResult';
import { EXIT, UsageError } from './usageError';

/** `loom merge RUN`: the run's integration branch into the branch checked out in its repository. */
export async function mergeCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'loom-home': { type: 'string' }, partial: { type: 'boolean' }, 'no-ff': { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [runId, ...extra] = positionals;
  if (!runId) throw new UsageError('needs a run id (loom runs lists them)');
  if (extra.length) throw new UsageError(`unexpected argument(s): ${extra.join(' ')}`);
  const state = finishedRun(values['loom-home'] ? resolve(values['loom-home']) : loomHome(), runId);
  const merged = await mergeRunResult(state, { partial: values.partial, noFastForward: values['no-ff'] });
  const short = merged.head.slice(0, 10);
  switch (merged.how) {
    case 'alreadyMerged':
      print(`${merged.into} already has everything on ${merged.from}: nothing to do.`);
      break;
    case 'fastForward':
      print(`Fast-forwarded ${merged.into} to ${short} (${merged.from}) in ${state.repo}.`);
      break;
    case 'mergeCommit':
      print(`Merged ${merged.from} into ${merged.into} with merge commit ${short} in ${state.repo}.`);
      break;
  }
  if (merged.how !== 'alreadyMerged') print(`The run's branches can go now: loom clean ${runId} --delete-branches`);
  return EXIT.ok;
}
