// `npm run bench`: every benchmark, one after another in its own process (so one's threads and memory do
// not skew the next), each printing its figures beside its baseline and target. Exits non-zero when any
// benchmark missed a target or failed. Benchmarks are not tests: they are not part of `npm test`.
//   npm run bench                      all of them
//   npm run bench -- orchestration     only those whose file name contains a word given
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** In the order of issue 11's items, then the older ones. */
const BENCHMARKS = [
  'orchestration.bench.ts',
  'verifierOverhead.bench.ts',
  'agentStart.bench.ts',
  'agentFootprint.bench.ts',
  'promptTokens.bench.ts',
  'journalThroughput.bench.ts',
  'dashboard.bench.ts',
  'conflictPrediction.bench.ts',
  'sandboxOverhead.bench.ts',
];

const only = process.argv.slice(2);
const chosen = BENCHMARKS.filter((file) => only.length === 0 || only.some((word) => file.includes(word)));
const results: { file: string; verdict: string; seconds: number }[] = [];
for (const file of chosen) {
  console.log(`\n=== ${file}`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, file)], { stdio: 'inherit' });
  const verdict = run.status === 0 ? 'ok' : run.status === 1 ? 'MISSED a target' : `FAILED (${run.signal ?? `exit ${run.status}`})`;
  results.push({ file, verdict, seconds: (Date.now() - started) / 1000 });
}
console.log('\n=== summary');
for (const r of results) console.log(`${r.file.padEnd(30)} ${r.verdict.padEnd(18)} ${r.seconds.toFixed(0)} s`);
process.exit(results.every((r) => r.verdict === 'ok') ? 0 : 1);
