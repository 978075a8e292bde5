import type { RunEvent } from '../../protocol/events';
import { readJournal } from '../journal/journalReader';
import { compareReplay } from '../run/replayComparison';
import { runPaths } from '../run/runPaths';
import { verdict, type Drill } from './drill';
import { coordinator, eventsOf, PASS_VERDICT, planTask, readFile, reportDone, valueModule, valueSource, writeFile } from './drillScript';

interface ReplayEvidence {
  recorded: RunEvent[];
  replayed: RunEvent[];
  replayExitCode: number;
}

/**
 * Failure mode 2: a model never answers the same way twice. Every response (and every provider
 * fault) is journaled, so `loom replay` re-executes the run with no model and reproduces it.
 */
export const nonDeterminism: Drill<ReplayEvidence> = {
  mode: 2,
  name: 'non-determinism',
  expected: '`loom replay` re-executes the run from its journal (no model) and every agent takes the same steps, every task ends the same way',
  async exercise(ctx) {
    const run = await ctx.run({
      files: valueModule('steady', 0, 4),
      requirements: ['steady'],
      scenario: {
        name: 'drill-2-non-determinism',
        agents: [
          coordinator([planTask('steady', 'R1', ['src/steady.js'], 'test/steady.test.js')]),
          {
            match: { role: 'implementor', task: 'steady' },
            turns: [
              { content: 'Looking first.', toolCalls: [readFile('src/steady.js')] },
              { fault: { kind: 'rateLimit', retryAfterMs: 100 } },
              { toolCalls: [writeFile('src/steady.js', valueSource(4))] },
              { toolCalls: [reportDone('steady is 4', ['src/steady.js'])] },
            ],
          },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    });
    const replay = await ctx.host.replay(run.runId, run.loomHome);
    const replayId = replay.output.map((l) => / as (\S+) from /.exec(l)?.[1]).find(Boolean);
    const replayed = replayId ? readJournal(runPaths(run.loomHome, replayId).journal).events : [];
    return { recorded: run.events, replayed, replayExitCode: replay.exitCode };
  },
  judge({ recorded, replayed, replayExitCode }) {
    const comparison = compareReplay(recorded, replayed);
    const responses = (events: RunEvent[]) => eventsOf(events, 'model/didRespond').length;
    return verdict(
      `replay ${replayed.length ? (comparison.identical ? `identical: ${comparison.agents} agents, ${comparison.steps} steps` : `diverged at ${comparison.difference}`) : 'produced no journal'} (${responses(recorded)} recorded responses, ${responses(replayed)} replayed); replay exit ${replayExitCode}`,
      {
        'the recorded run had model responses and a provider fault to replay': responses(recorded) > 0 && eventsOf(recorded, 'model/didFail').length > 0,
        'the replay ran': replayed.length > 0,
        'every agent took the same steps and every task ended the same way': replayed.length > 0 && comparison.identical,
        'loom replay exited 0': replayExitCode === 0,
      },
    );
  },
};
