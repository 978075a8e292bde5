import { z } from 'zod';
import { TaskResultSchema } from '../../protocol/taskResult';
import type { ToolSpec } from '../models/modelProvider';
import type { ToolCallOutcome } from './agentTools';

export const REPORT_RESULT_TOOL = 'report_result';

/**
 * The agent's finishing tool, answered in its own worker rather than by a server: it only
 * validates the hand-off (no effect in the worktree), so no server crash, hang or exhausted
 * restarts can keep an agent from reporting its result, or from reporting that it is blocked.
 */
export const REPORT_RESULT_SPEC: ToolSpec = (() => {
  const { $schema: _schema, ...parameters } = z.toJSONSchema(TaskResultSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return {
    name: REPORT_RESULT_TOOL,
    description:
      'Report the result of your task when you are finished (or blocked). List every file you changed and every test command you ran; the claims are checked.',
    parameters,
    // Served by no server and changes nothing: there is no effect to journal or to settle on resume.
    server: 'loom',
    readOnly: true,
  };
})();

/** Validates a report_result call; an invalid one is a tool error listing what is wrong, for the model to fix. */
export function reportResult(args: Record<string, unknown>, server: string): ToolCallOutcome {
  const parsed = TaskResultSchema.safeParse(args);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.message}${i.path.length ? ` at ${i.path.join('.')}` : ''}`);
    return { ok: false, server, text: `invalid result:\n${issues.join('\n')}` };
  }
  return { ok: true, server, text: JSON.stringify(parsed.data), structured: parsed.data };
}
