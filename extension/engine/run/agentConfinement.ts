import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Confinement, SandboxSpec } from '../../protocol/sandbox';
import type { McpServerConfig } from '../../protocol/workerMessages';
import { agentEnvironment } from '../sandbox/agentEnvironment';
import { prepareDependencyMounts } from '../sandbox/dependencyMounts';
import { detectSandbox } from '../sandbox/detectSandbox';
import { writeMaskedGitConfig } from '../sandbox/gitConfigMask';
import { sandboxRunner } from '../sandbox/sandboxRunner';
import { loomServerConfig } from '../tools/mcpAgentTools';
import type { CommandSandbox } from '../verify/runCommand';
import { bindWorkspaceFolder } from '../tools/mcpConfig';
import { gitCommonDirOf } from '../workspace/git';
import type { RunOptions } from './runOptions';

/** What a run knows about confinement, found once at its start. */
export interface RunSandbox {
  spec: SandboxSpec;
  /** The shared .git, visible read-only inside sandboxes so git works there and nothing can plant a hook. */
  gitCommonDir: string;
  /** Its config without remotes and credentials, mounted over the real one (sandbox/gitConfigMask). */
  gitConfigMask: string;
}

/** Detects the sandbox (unless the composition root chose one) with Loom's bundle visible read-only in it. */
export async function openRunSandbox(options: Pick<RunOptions, 'repo' | 'bundle' | 'sandbox'>, runDir: string): Promise<RunSandbox> {
  // The tool server bundle is self-contained: its own folder is all a sandbox needs to see of Loom.
  const bundleDir = path.dirname(options.bundle.toolServer);
  const spec = options.sandbox
    ? { ...options.sandbox, readable: [...new Set([...options.sandbox.readable, bundleDir])] }
    : detectSandbox([bundleDir]);
  const gitCommonDir = await gitCommonDirOf(options.repo);
  const gitConfigMask = await writeMaskedGitConfig(gitCommonDir, path.join(runDir, 'sandbox', 'git-config'));
  return { spec, gitCommonDir, gitConfigMask };
}

/** For a server the user configured: the folder it is installed in (its outermost node_modules, or its own folder). */
function installRoots(server: McpServerConfig, lease: string): string[] {
  const roots = new Set<string>();
  for (const p of [server.command, ...server.args]) {
    if (!path.isAbsolute(p) || p.startsWith(lease + path.sep)) continue;
    const i = p.indexOf(`${path.sep}node_modules${path.sep}`);
    roots.add(i >= 0 ? p.slice(0, i + '/node_modules'.length) : path.dirname(p));
  }
  return [...roots].filter((r) => r !== '/' && r !== path.dirname(r));
}

export interface AgentServersInput {
  sandbox: RunSandbox;
  options: Pick<RunOptions, 'repo' | 'bundle' | 'commandTimeoutMs' | 'mcpServers'>;
  runId: string;
  agentId: string;
  /** The agent's lease. */
  lease: string;
  /** This run's own folder (dependency writes and, unconfined, TMPDIR and HOME live under it). */
  runDir: string;
  /** Names the lease's folder of dependency writes, so a retry in the same lease keeps them. */
  leaseKey: string;
}

/**
 * Loom's tool server and the user's MCP servers for one agent, each with what its sandbox may
 * see: the lease read-write, the user's dependencies copy-on-write (Loom's server, and so every
 * run_command) or read-only (the user's servers), the network its config asks for (loopback by
 * default), and the variables that keep external state apart.
 */
export async function agentServers(input: AgentServersInput): Promise<McpServerConfig[]> {
  const { spec, gitCommonDir, gitConfigMask } = input.sandbox;
  const confined = spec.kind !== 'none';
  const identity = { runId: input.runId, agentId: input.agentId };
  let env: [string, string][];
  if (confined) env = agentEnvironment(identity);
  else {
    const tmpDir = path.join(input.runDir, 'tmp', input.agentId);
    const homeDir = path.join(input.runDir, 'home', input.agentId);
    await fs.mkdir(tmpDir, { recursive: true });
    await fs.mkdir(homeDir, { recursive: true });
    env = agentEnvironment(identity, { tmpDir, homeDir });
  }
  const dependencies = confined
    ? await prepareDependencyMounts(input.options.repo, input.lease, path.join(input.runDir, 'deps', input.leaseKey), { copyOnWrite: spec.unshare !== undefined })
    : [];
  const base: Confinement = { writable: [input.lease], readable: [], dependencies, network: 'loopback', gitCommonDir, gitConfigMask };

  const loom = loomServerConfig({
    serverScript: input.options.bundle.toolServer,
    root: input.lease,
    commandTimeoutMs: input.options.commandTimeoutMs,
    reapOrphans: confined,
  });
  const servers: McpServerConfig[] = [{ ...loom, env: [...loom.env, ...env], ...(confined ? { confinement: base } : {}) }];
  for (const configured of input.options.mcpServers) {
    const server = bindWorkspaceFolder(configured, input.lease);
    const confinement: Confinement = {
      ...base,
      readable: installRoots(server, input.lease),
      // Only Loom's server writes to the dependencies: two overlays on one upper folder would corrupt it.
      dependencies: dependencies.map((d) => ({ lower: d.lower, target: d.target })),
      network: server.network ?? 'loopback',
    };
    servers.push({ ...server, env: [...env, ...server.env], ...(confined ? { confinement } : {}) });
  }
  return servers;
}

/**
 * Loom's tool server alone, confined to one checkout: what a check or a setup command there runs in
 * (commandSandbox), for a task's setup, a merge gate or a semantic check alike.
 */
export async function checkoutToolServer(input: Omit<AgentServersInput, 'options'> & { options: Omit<AgentServersInput['options'], 'mcpServers'> }): Promise<McpServerConfig> {
  const [toolServer] = await agentServers({ ...input, options: { ...input.options, mcpServers: [] } });
  return toolServer;
}

/** A check command run like the agent's own commands: in the sandbox its tool server had, with its variables. */
export function commandSandbox(spec: SandboxSpec, toolServer: McpServerConfig): CommandSandbox | undefined {
  if (!toolServer.confinement) return undefined;
  return { runner: sandboxRunner(spec), confinement: toolServer.confinement, env: toolServer.env };
}
