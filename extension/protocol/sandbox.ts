import { z } from 'zod';

/**
 * What this machine can confine agent-side processes with, found once per run (detectSandbox) and
 * sent to every agent as plain data. `none` means nothing confines them: the run says so at start
 * and the policy makes every command wait for approval.
 */
export const SandboxSpecSchema = z.object({
  kind: z.enum(['bubblewrap', 'none']),
  /** One sentence for people: what confines agent-side processes, or why nothing does. */
  summary: z.string(),
  bwrap: z.string().optional(),
  /** `unshare` with overlayfs inside a user namespace works: dependencies are copy-on-write. */
  unshare: z.string().optional(),
  /** System folders every sandbox sees read-only; a symlink is recreated as a symlink. */
  system: z.array(z.object({ path: z.string(), symlink: z.string().optional() })).default([]),
  /** Files and folders under the system folders that stay hidden (shadow passwords, host keys). */
  masked: z.array(z.object({ path: z.string(), dir: z.boolean() })).default([]),
  /** Extra folders every sandbox sees read-only: Node's install, Loom's own bundle. */
  readable: z.array(z.string()).default([]),
});
export type SandboxSpec = z.infer<typeof SandboxSpecSchema>;

/** Installed dependencies seen at `target` inside a lease: copy-on-write with upper/work, else read-only. */
export const DependencyMountSchema = z.object({
  /** The user's folder (e.g. <repo>/node_modules): never written. */
  lower: z.string(),
  /** Where the lease sees it (e.g. <lease>/node_modules). */
  target: z.string(),
  /** Where this lease's own writes to it go; absent: read-only. */
  upper: z.string().optional(),
  work: z.string().optional(),
});
export type DependencyMount = z.infer<typeof DependencyMountSchema>;

/** What one confined process may see and do, beyond the system folders. */
export const ConfinementSchema = z.object({
  /** Read-write folders: the lease. */
  writable: z.array(z.string()),
  /** Extra read-only folders (an MCP server's own install). */
  readable: z.array(z.string()).default([]),
  dependencies: z.array(DependencyMountSchema).default([]),
  /** `loopback`: its own network namespace with only loopback. `host`: the machine's network (granted by config and policy). */
  network: z.enum(['loopback', 'host']).default('loopback'),
  /** The shared git directory, read-only, so `git status` works inside and nothing can plant a hook. */
  gitCommonDir: z.string().optional(),
  /** A copy of the shared .git/config without remotes, credentials or aliases, mounted over it. */
  gitConfigMask: z.string().optional(),
});
export type Confinement = z.infer<typeof ConfinementSchema>;

/** The HOME agent-side processes get inside a sandbox: an empty, private tmpfs. */
export const SANDBOX_HOME = '/home/loom-agent';
