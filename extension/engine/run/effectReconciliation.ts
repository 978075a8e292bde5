import type { UnfinishedEffect } from '../../protocol/effects';
import { LOOM_SERVER_NAME } from '../tools/mcpAgentTools';

/** How a resume settles an effect whose intent is journaled and whose completion is not. */
export interface ReconciledEffect {
  key: string;
  kind: UnfinishedEffect['kind'];
  /** `redone`: it is made (again) under the same key; `rolledBack`: the lease goes back to its last journaled checkpoint, undoing it; `inDoubt`: it may have reached the outside world, and the agent that continues is told. */
  resolution: 'redone' | 'rolledBack' | 'inDoubt';
}

/**
 * A crash can fall between an effect and its journaled completion. Each kind is settled so it ends
 * up done exactly once: a lease is taken over at its start commit (its branch may exist), a merge is
 * made again and counts once (the integration branch already containing the commit is a no-op), a
 * checkpoint commit and the lease-confined calls after it are undone by resetting the lease to the
 * last journaled checkpoint, and a call to a server outside Loom's own is in doubt.
 */
export function reconcileEffect(effect: UnfinishedEffect): ReconciledEffect {
  const settle = (resolution: ReconciledEffect['resolution']): ReconciledEffect => ({ key: effect.key, kind: effect.kind, resolution });
  switch (effect.kind) {
    case 'lease':
    case 'merge':
      return settle('redone');
    case 'checkpoint':
      return settle('rolledBack');
    case 'tool':
      return settle(effect.server === null || effect.server === LOOM_SERVER_NAME ? 'rolledBack' : 'inDoubt');
  }
}

/** What the agent that continues a task is told about calls that may have happened before the crash. */
export function inDoubtMessage(effects: readonly UnfinishedEffect[]): string {
  return [
    'Loom restarted after a crash. These tool calls had started and may or may not have taken effect (their servers act outside your worktree, so Loom could not undo them):',
    ...effects.map((e) => `- ${e.what} (server ${e.server ?? 'unknown'})`),
    'Check their effect before calling them again.',
  ].join('\n');
}
