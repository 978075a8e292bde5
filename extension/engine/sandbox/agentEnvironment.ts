import { createHash } from 'node:crypto';
import { SANDBOX_HOME } from '../../protocol/sandbox';

export interface AgentIdentity {
  runId: string;
  agentId: string;
}

/** Each agent's ports start here: `PORT` and `LOOM_PORT_BASE`, 100 ports apart, inside 20000–59999. */
export function agentPortBase(identity: AgentIdentity): number {
  const digest = createHash('sha256').update(`${identity.runId}/${identity.agentId}`).digest();
  return 20_000 + (digest.readUInt16BE(0) % 400) * 100;
}

/** A name safe for databases, containers and compose projects: lower-case letters, digits and `_`. */
function stateName(identity: AgentIdentity): string {
  return `loom_${identity.runId}_${identity.agentId}`.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 63);
}

/**
 * Variables every agent-side process gets so a repository can keep external state apart between
 * agents (documented in the README): who it is, a private TMPDIR and HOME, a port base, and names
 * for databases and compose projects. Inside a sandbox /tmp and HOME are private tmpfs; unconfined,
 * `tmpDir` and `homeDir` are folders of the agent's own.
 */
export function agentEnvironment(identity: AgentIdentity, dirs: { tmpDir: string; homeDir: string } = { tmpDir: '/tmp', homeDir: SANDBOX_HOME }): [string, string][] {
  const port = agentPortBase(identity);
  const name = stateName(identity);
  return [
    // Every role — implementor, test author, verifier — sees the same variables, so a test behaves alike for all.
    ['CI', '1'],
    ['LOOM_RUN_ID', identity.runId],
    ['LOOM_AGENT_ID', identity.agentId],
    ['HOME', dirs.homeDir],
    ['TMPDIR', dirs.tmpDir],
    ['PORT', String(port)],
    ['LOOM_PORT_BASE', String(port)],
    ['LOOM_DB_PREFIX', `${name}_`],
    ['COMPOSE_PROJECT_NAME', name],
  ];
}
