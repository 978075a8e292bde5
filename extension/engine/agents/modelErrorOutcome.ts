import type { AgentOutcome } from '../../protocol/usage';
import type { ModelError } from '../models/modelProvider';

/**
 * How a model call that failed for good ends an agent, the same for every role: a budget with no
 * room left is `budgetExceeded` (a person may extend it), cancellation is a stop, anything else is a
 * model error whose next step the role chooses.
 */
export function modelErrorOutcome(err: ModelError, next: AgentOutcome['next'], what = 'model call failed'): AgentOutcome {
  if (err.kind === 'budget') return { kind: 'budgetExceeded', message: err.message, next: 'escalate' };
  if (err.kind === 'cancelled') return { kind: 'stopped', message: 'stopped while waiting for the model', next: 'stop' };
  return { kind: 'modelError', message: `${what} (${err.kind}): ${err.message}`, next, errorKind: err.kind };
}
