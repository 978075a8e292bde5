import type { RunEvent } from '../../protocol/events';
import type { SimulatorRequest } from '../simulator/simulatorServer';
import { runGit } from '../workspace/git';
import { verdict, type Drill } from './drill';
import { coordinator, eventsOf, PASS_VERDICT, planTask, reportDone, valueModule, valueSource, writeFile } from './drillScript';

interface RetryEvidence {
  events: RunEvent[];
  requests: readonly SimulatorRequest[];
  /** Whether the first attempt's last checkpoint is an ancestor of what the second attempt reported. */
  checkpointKept: boolean;
}

/**
 * Failure mode 7: a result that fails verification. The retry continues on the task's branch from
 * the last checkpoint (not from scratch) and its first request carries the verifier's findings.
 */
export const retryComplexity: Drill<RetryEvidence> = {
  mode: 7,
  name: 'retry complexity',
  expected: 'a failed verification sends its findings to attempt 2, which continues from attempt 1\'s checkpoint commit and passes',
  async exercise(ctx) {
    const run = await ctx.run({
      files: { ...valueModule('fix', 0, 7), 'src/helper.js': valueSource(0) },
      requirements: ['fix'],
      scenario: {
        name: 'drill-7-retry-complexity',
        agents: [
          coordinator([planTask('fix', 'R1', ['src/fix.js', 'src/helper.js'], 'test/fix.test.js')]),
          // Narrower entry first: attempt 2 fixes the value and keeps attempt 1's helper.
          { match: { role: 'implementor', task: 'fix', attempt: 2 }, turns: [{ toolCalls: [writeFile('src/fix.js', valueSource(7))] }, { toolCalls: [reportDone('value is 7 now', ['src/fix.js', 'src/helper.js'])] }] },
          {
            match: { role: 'implementor', task: 'fix' },
            turns: [{ toolCalls: [writeFile('src/helper.js', valueSource(1)), writeFile('src/fix.js', valueSource(6))] }, { toolCalls: [reportDone('value is 6', ['src/fix.js', 'src/helper.js'])] }],
          },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    });
    const checkpoint = eventsOf(run.events, 'checkpoint/didCommit').filter((c) => c.agentId === 'impl-fix-1').at(-1);
    const report = eventsOf(run.events, 'task/didReport').filter((r) => r.taskId === 'fix').at(-1);
    const checkpointKept =
      !!checkpoint && !!report && (await runGit(run.repo, ['merge-base', '--is-ancestor', checkpoint.commit, report.headCommit], { okExitCodes: [0, 1] })).exitCode === 0;
    return { events: run.events, requests: run.requests, checkpointKept };
  },
  judge({ events, requests, checkpointKept }) {
    const verdicts = eventsOf(events, 'verify/didFinish').filter((v) => v.taskId === 'fix');
    const rules = verdicts[0]?.findings.filter((f) => f.severity === 'error').map((f) => f.rule) ?? [];
    const retryFirst = requests.find((r) => r.agentId === 'impl-fix-2')?.body ?? '';
    const findingsSent = rules.length > 0 && rules.every((rule) => retryFirst.includes(rule)) && retryFirst.includes('The verifier rejected your result');
    const merged = eventsOf(events, 'merge/didMerge').some((m) => m.taskId === 'fix');
    return verdict(
      `verification ${verdicts.map((v) => (v.passed ? 'passed' : `failed (${v.findings.map((f) => f.rule).join(', ')})`)).join(', then ') || 'never ran'}; attempt 2 ${retryFirst ? (findingsSent ? 'got the findings' : 'did not get the findings') : 'never asked the model'} and ${checkpointKept ? 'continued from attempt 1\'s checkpoint' : 'did not build on attempt 1\'s checkpoint'}; fix ${merged ? 'merged' : 'not merged'}`,
      {
        'the first verification failed with findings': verdicts[0]?.passed === false && rules.length > 0,
        'attempt 2\'s first request carries the findings': findingsSent,
        'attempt 2 continued from attempt 1\'s checkpoint commit': checkpointKept,
        'the second verification passed and the task merged': verdicts[1]?.passed === true && merged,
      },
    );
  },
};
