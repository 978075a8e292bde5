import type { EventBody, RunEvent } from './events';

/**
 * Idempotency keys for side effects (failure mode 7). Before an effect Loom journals
 * `effect/willApply` with the effect's key; the event that reports it done carries the same key by
 * construction (`effectKeyOf`), or `effect/didAbandon` names it when it did not happen on purpose. A
 * resume reads the pairs: a completed key happened once and is never repeated; a key with only the
 * intent was cut off by the crash and is settled (engine/run/effectReconciliation.ts).
 */
export type EffectKind = 'lease' | 'checkpoint' | 'merge' | 'tool';

export const effectKey = {
  /** A task's implementation worktree and branch. */
  lease: (taskId: string) => `lease:${taskId}`,
  /** A checkpoint commit of one agent's turn. */
  checkpoint: (agentId: string, turn: number) => `checkpoint:${agentId}:${turn}`,
  /** A task's merge into the integration branch. */
  merge: (taskId: string) => `merge:${taskId}`,
  /** One tool call with effects (the model's call id is unique only within a turn). */
  tool: (agentId: string, turn: number, callId: string) => `tool:${agentId}:${turn}:${callId}`,
};

/** The key of the effect an event reports done, or null for an event that reports no keyed effect. */
export function effectKeyOf(event: RunEvent): string | null {
  if (event.type === 'lease/didCreate') return event.purpose === 'implement' ? effectKey.lease(event.taskId) : null;
  if (event.type === 'checkpoint/didCommit') return effectKey.checkpoint(event.agentId, event.turn);
  if (event.type === 'merge/didMerge') return effectKey.merge(event.taskId);
  if (event.type === 'tool/didCall') return effectKey.tool(event.agentId, event.turn, event.callId);
  return null;
}

/** The intent journaled before a task's merge into the integration branch, however it is merged. */
export function mergeIntent(taskId: string, how: string): EventBody {
  return { type: 'effect/willApply', key: effectKey.merge(taskId), kind: 'merge', taskId, what: `merge ${taskId} into the integration branch (${how})` };
}

export interface UnfinishedEffect {
  key: string;
  kind: EffectKind;
  taskId: string | null;
  agentId: string | null;
  what: string;
  server: string | null;
}

/** Effects whose intent is journaled and whose completion is not: what a crash may have left half done. */
export function unfinishedEffects(events: readonly RunEvent[]): UnfinishedEffect[] {
  const pending = new Map<string, UnfinishedEffect>();
  for (const e of events) {
    if (e.type === 'effect/willApply') {
      pending.set(e.key, { key: e.key, kind: e.kind, taskId: e.taskId ?? null, agentId: e.agentId ?? null, what: e.what, server: e.server ?? null });
      continue;
    }
    const key = e.type === 'effect/didAbandon' ? e.key : effectKeyOf(e);
    if (key) pending.delete(key);
  }
  return [...pending.values()];
}

/** Keys whose completion is journaled more than once: an effect that happened twice (must be empty). */
export function repeatedEffects(events: readonly RunEvent[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const e of events) {
    const key = effectKeyOf(e);
    if (!key) continue;
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  return [...repeated];
}
