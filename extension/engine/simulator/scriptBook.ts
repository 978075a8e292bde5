import type { AgentMatch, Scenario, Turn } from './scenarioSchema';

/** Who is asking, from the x-loom-* request headers. */
export interface AgentIdentity {
  agentId: string;
  role?: string;
  taskId?: string;
  attempt?: number;
}

export type TurnLookup =
  | { ok: true; turn: Turn; turnIndex: number; entryIndex: number }
  | { ok: false; code: 'loom_simulator_no_script' | 'loom_simulator_turns_exhausted'; message: string };

/**
 * The scenario's scripts and one cursor per agent id. An agent is matched to the first entry
 * whose match fits on its first request; each request then consumes that entry's next turn.
 */
export class ScriptBook {
  private readonly cursors = new Map<string, { entryIndex: number; next: number }>();

  constructor(private readonly scenario: Scenario) {}

  next(who: AgentIdentity): TurnLookup {
    let cursor = this.cursors.get(who.agentId);
    if (!cursor) {
      const entryIndex = this.scenario.agents.findIndex((entry) => matches(entry.match, who));
      if (entryIndex < 0) return { ok: false, code: 'loom_simulator_no_script', message: this.noScriptMessage(who) };
      cursor = { entryIndex, next: 0 };
      this.cursors.set(who.agentId, cursor);
    }
    const entry = this.scenario.agents[cursor.entryIndex];
    const turnIndex = cursor.next;
    if (turnIndex >= entry.turns.length) {
      return {
        ok: false,
        code: 'loom_simulator_turns_exhausted',
        message:
          `${this.prefix()}: ${describe(who)} has used all ${entry.turns.length} turns of agents[${cursor.entryIndex}] ` +
          `(match ${JSON.stringify(entry.match)}); this is its request ${turnIndex + 1}. ` +
          'Add turns to that entry, or script the agent to finish sooner (e.g. a report_result tool call).',
      };
    }
    cursor.next++;
    return { ok: true, turn: entry.turns[turnIndex], turnIndex, entryIndex: cursor.entryIndex };
  }

  private noScriptMessage(who: AgentIdentity): string {
    const suggestion: AgentMatch = {};
    if (who.role) suggestion.role = who.role;
    if (who.taskId) suggestion.task = who.taskId;
    const known = this.scenario.agents.map((e, i) => `agents[${i}] ${JSON.stringify(e.match)}`).join(', ') || 'none';
    const header = who.agentId === anonymousAgent ? ' The request had no x-loom-agent header.' : '';
    return (
      `${this.prefix()}: no script for ${describe(who)}.${header} No entry in "agents" matches it; add one such as ` +
      `{"match": ${JSON.stringify(suggestion)}, "turns": [...]}. Existing entries: ${known}.`
    );
  }

  private prefix(): string {
    return `Loom simulator, scenario "${this.scenario.name}"`;
  }
}

export const anonymousAgent = 'anonymous';

function matches(match: AgentMatch, who: AgentIdentity): boolean {
  if (match.agent !== undefined && match.agent !== who.agentId) return false;
  if (match.role !== undefined && match.role !== who.role) return false;
  if (match.task !== undefined && match.task !== who.taskId) return false;
  if (match.attempt !== undefined && match.attempt !== who.attempt) return false;
  return true;
}

function describe(who: AgentIdentity): string {
  const parts = [`role ${who.role ? `"${who.role}"` : '(none)'}`, `task ${who.taskId ? `"${who.taskId}"` : '(none)'}`];
  if (who.attempt !== undefined) parts.push(`attempt ${who.attempt}`);
  return `agent "${who.agentId}" (${parts.join(', ')})`;
}

/** Reads x-loom-agent, x-loom-role, x-loom-task and x-loom-attempt. */
export function identityFromHeaders(headers: Record<string, string | string[] | undefined>): AgentIdentity {
  const one = (name: string): string | undefined => {
    const value = headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    return text?.trim() ? text.trim() : undefined;
  };
  const attemptText = one('x-loom-attempt');
  const attempt = attemptText !== undefined && /^\d+$/.test(attemptText) ? Number(attemptText) : undefined;
  return { agentId: one('x-loom-agent') ?? anonymousAgent, role: one('x-loom-role'), taskId: one('x-loom-task'), attempt };
}
