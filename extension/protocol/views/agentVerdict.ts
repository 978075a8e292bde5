import type { AgentState } from '../runState';
import { countOf } from './plural';

/** The outcome message of a verifier that passed its task. */
export const VERIFIED = 'verified';

/** A failing verifier's outcome message: "1 error finding", "2 error findings". */
export function verifierFailureText(errorFindings: number): string {
  return countOf(errorFindings, 'error finding');
}

/**
 * An agent that did not do what it was for: a structured failure (crashed, model error…), or a
 * verifier that completed its job and failed the task. Shown red, never as a green check.
 */
export function agentFailed(agent: Pick<AgentState, 'role' | 'outcome'>): boolean {
  if (agent.outcome === null) return false;
  if (agent.outcome.kind !== 'completed') return true;
  return agent.role === 'verifier' && agent.outcome.message !== VERIFIED;
}
