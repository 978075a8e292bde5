import type { AgentRole } from '../../extension/protocol/usage';

const ICON: Record<AgentRole, string> = { coordinator: 'type-hierarchy', testAuthor: 'checklist', implementor: 'code', verifier: 'beaker', merger: 'git-merge' };

/** The role of an agent as an icon with its name as tooltip. */
export function RoleIcon({ role }: { role: AgentRole }) {
  return <i className={`codicon codicon-${ICON[role]} role-icon role-${role}`} title={role} aria-label={role} />;
}
