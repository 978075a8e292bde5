import path from 'node:path';

/** Runners Loom can name from a command line. */
export type KnownRunner = 'mocha' | 'jest' | 'vitest' | 'tap' | 'tape' | 'ava' | 'uvu' | 'node --test';

const BINS: Record<string, KnownRunner> = { mocha: 'mocha', _mocha: 'mocha', jest: 'jest', vitest: 'vitest', tap: 'tap', tape: 'tape', ava: 'ava', uvu: 'uvu' };

/** The words of a command, with `sh -c "..."` strings split on spaces (good enough to spot a runner). */
function words(argv: readonly string[]): string[] {
  return argv.flatMap((a) => a.split(/\s+/)).filter((w) => w.length > 0);
}

function binName(word: string): string {
  return path.basename(word).replace(/\.(c|m)?js$/, '');
}

function runnerOfSegment(ws: readonly string[]): KnownRunner | undefined {
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    if (w.startsWith('-') || w.includes('=')) continue;
    const bin = binName(w);
    if (bin in BINS) return BINS[bin];
    if (bin === 'node' && ws.some((x) => x === '--test' || x.startsWith('--test='))) return 'node --test';
    // `npm test`, `npm run x`, `yarn run x` name a script, not a runner; `npm exec x`, `yarn x` run a bin.
    if (bin === 'npm' && !['exec', 'x'].includes(ws[i + 1] ?? '')) return undefined;
    if ((bin === 'yarn' || bin === 'pnpm') && ['run', 'test'].includes(ws[i + 1] ?? '')) return undefined;
  }
  return undefined;
}

/**
 * Which runner a command starts: `mocha`, `npx ava`, `node_modules/.bin/jest`, `uvu -r esm test`,
 * `node node_modules/mocha/bin/mocha.js`, `node --test`, `sh -c "npm run build && mocha"`.
 * `npm test` and other scripts are unknown (undefined): their output says which runner ran.
 */
export function runnerOfCommand(argv: readonly string[]): KnownRunner | undefined {
  const segments: string[][] = [[]];
  for (const w of words(argv)) {
    if (['&&', '||', ';', '|'].includes(w)) segments.push([]);
    else segments[segments.length - 1].push(w);
  }
  for (const segment of segments) {
    const runner = runnerOfSegment(segment);
    if (runner) return runner;
  }
  return undefined;
}

/** The reporter a command asks for: `--reporter json`, `--reporter=json`, `-R json`, `--test-reporter spec`; `--json` is "json". */
export function reporterOfCommand(argv: readonly string[]): string | undefined {
  const ws = words(argv);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    if (w === '--json') return 'json';
    const eq = /^--(?:test-)?reporter=(.+)$/.exec(w);
    if (eq) return eq[1];
    if ((w === '--reporter' || w === '-R' || w === '--test-reporter') && i + 1 < ws.length) return ws[i + 1];
  }
  return undefined;
}
