import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../protocol/events';
import { verdict, type Drill } from './drill';
import { coordinator, eventsOf, PASS_VERDICT, planTask, reportBlocked } from './drillScript';

const COMMAND = ['touch', 'pwned.txt'];

/**
 * Failure mode 8: an agent runs a command outside the allowlist. It waits on an approval
 * escalation; the drill denies it, so the command never runs and the agent gets a tool error.
 */
export const hitlBypass: Drill<{ events: RunEvent[]; ranAnyway: boolean }> = {
  mode: 8,
  name: 'HITL bypass',
  expected: '`touch` (not on the allowlist) waits on an approval escalation; denied, the command does not run and the agent gets a tool error',
  async exercise(ctx) {
    const run = await ctx.run({
      files: { 'README.md': '# drill\n' },
      requirements: ['touchy'],
      approvals: 'deny',
      scenario: {
        name: 'drill-8-hitl-bypass',
        agents: [
          coordinator([planTask('touchy', 'R1', ['src/**'], null)]),
          { match: { role: 'implementor', task: 'touchy' }, turns: [{ toolCalls: [{ name: 'run_command', arguments: { command: COMMAND } }] }, { toolCalls: [reportBlocked('touch was not approved')] }] },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    });
    const leases = eventsOf(run.events, 'lease/didCreate').filter((l) => l.taskId === 'touchy');
    return { events: run.events, ranAnyway: leases.some((l) => existsSync(join(l.path, 'pwned.txt'))) };
  },
  judge({ events, ranAnyway }) {
    const question = eventsOf(events, 'escalation/didOpen').find((e) => e.kind === 'approval' && e.action?.kind === 'command' && e.action.argv.join(' ') === COMMAND.join(' '));
    const decision = question && eventsOf(events, 'policy/didDecide').find((d) => d.escalationId === question.escalationId);
    const call = eventsOf(events, 'tool/didCall').find((c) => c.tool === 'run_command');
    const answeredFirst = !!question && !!call && !!decision && decision.seq < call.seq;
    return verdict(
      `${question ? `${question.escalationId}: "${question.question}"` : 'no approval escalation'}; ${decision ? `${decision.outcome} by ${decision.by}` : 'never decided'}; run_command ${call ? (call.ok ? 'succeeded' : `returned an error: ${call.summary.split('. ')[0]}`) : 'never returned'}; pwned.txt ${ranAnyway ? 'exists' : 'does not exist'}`,
      {
        'the command waited on an approval escalation': !!question,
        'the approval was denied before the tool call returned': decision?.outcome === 'denied' && answeredFirst,
        'the agent got a tool error': call?.ok === false,
        'the command did not run': !ranAnyway,
      },
    );
  },
};
