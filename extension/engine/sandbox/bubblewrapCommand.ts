import * as path from 'node:path';
import { SANDBOX_HOME, type Confinement, type DependencyMount, type SandboxSpec } from '../../protocol/sandbox';

/**
 * Mounts each copy-on-write dependency folder (overlayfs, in the user namespace `unshare` made),
 * then execs bubblewrap. Arguments: groups of lower upper work target, then `--`, then the command.
 * Options never pass through a shell string: the paths are positional parameters.
 */
const MOUNT_THEN_EXEC = [
  'set -e',
  'while [ "$1" != "--" ]; do',
  // userxattr: overlayfs keeps its bookkeeping in user.* xattrs, which a user namespace may write (else rmdir fails with EIO).
  '  mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3,userxattr" "$4"',
  '  shift 4',
  'done',
  'shift',
  'exec "$@"',
].join('\n');

/** overlayfs takes its options as one comma/colon-separated string: such paths cannot be overlaid. */
export function canOverlay(mount: DependencyMount): boolean {
  return mount.upper !== undefined && mount.work !== undefined && ![mount.lower, mount.upper, mount.work].some((p) => /[,:\\\n]/.test(p));
}

/** Kernel interfaces under /proc that uid 0 could write even without capabilities. */
const PROC_READ_ONLY = ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus'];

/**
 * The argv that runs `argv` confined: the system folders read-only, the confinement's writable
 * folders read-write, the user's checkout and home invisible (they are simply not mounted), a
 * private /tmp and HOME, its own PID namespace (bubblewrap's init dies with the command and takes
 * every descendant with it) and, unless granted the host network, a network namespace of its own
 * with only loopback.
 *
 * When Loom runs as root the sandbox's uid 0 is the host's root, so it also gets no capabilities,
 * no way to make a user namespace of its own (which would give them back, and a fresh /proc), and
 * read-only kernel settings: otherwise a command could write /proc/sys (core_pattern) on the host.
 */
export function bubblewrapArgv(spec: SandboxSpec, confinement: Confinement, argv: readonly string[], cwd: string): string[] {
  if (!spec.bwrap) throw new Error('bubblewrapArgv needs a sandbox spec with bwrap');
  const overlays = spec.unshare ? confinement.dependencies.filter(canOverlay) : [];
  const readOnlyDeps = confinement.dependencies.filter((d) => !overlays.includes(d));

  const bwrap = [spec.bwrap, '--unshare-all', '--unshare-user', '--disable-userns', '--cap-drop', 'ALL'];
  if (confinement.network === 'host') bwrap.push('--share-net');
  // Loopback only: a package manager that tries the registry would wait out its retries (minutes);
  // offline, npm and npx fail at once (ENOTCACHED) and still run what node_modules has.
  else bwrap.push('--setenv', 'npm_config_offline', 'true');
  bwrap.push('--die-with-parent', '--new-session', '--proc', '/proc');
  for (const p of PROC_READ_ONLY) bwrap.push('--ro-bind-try', p, p);
  bwrap.push('--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/run');
  for (const entry of spec.system) {
    if (entry.symlink !== undefined) bwrap.push('--symlink', entry.symlink, entry.path);
    else bwrap.push('--ro-bind', entry.path, entry.path);
  }
  for (const mask of spec.masked) {
    if (mask.dir) bwrap.push('--tmpfs', mask.path);
    else bwrap.push('--ro-bind', '/dev/null', mask.path);
  }
  bwrap.push('--tmpfs', SANDBOX_HOME);
  for (const dir of [...spec.readable, ...confinement.readable]) bwrap.push('--ro-bind-try', dir, dir);
  if (confinement.gitCommonDir) {
    bwrap.push('--ro-bind', confinement.gitCommonDir, confinement.gitCommonDir);
    if (confinement.gitConfigMask) bwrap.push('--ro-bind', confinement.gitConfigMask, path.join(confinement.gitCommonDir, 'config'));
  }
  for (const dir of confinement.writable) {
    bwrap.push('--bind', dir, dir);
    // A worktree's .git file names the shared repository: nothing inside may point it elsewhere.
    bwrap.push('--ro-bind-try', path.join(dir, '.git'), path.join(dir, '.git'));
  }
  for (const dep of readOnlyDeps) bwrap.push('--ro-bind-try', dep.lower, dep.target);
  bwrap.push('--chdir', cwd, '--', ...argv);

  if (overlays.length === 0) return bwrap;
  const mounts = overlays.flatMap((d) => [d.lower, d.upper!, d.work!, d.target]);
  return [spec.unshare!, '--user', '--map-root-user', '--mount', '--', '/bin/sh', '-c', MOUNT_THEN_EXEC, 'loom-sandbox', ...mounts, '--', ...bwrap];
}
