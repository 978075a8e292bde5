// Loom's MCP tool server, started per agent over stdio with cwd = the agent's worktree:
//   node dist/tools/loomToolServer.js --root <worktree> [--command-timeout-ms N] [--reap-orphans]
// It runs inside the agent's sandbox; which commands may run is decided before a call reaches it.
// stdout carries the protocol; diagnostics go to stderr.
import { parseServerArgs } from './args';
import { createLoomToolServer } from './loomToolServer';
import { PathGuard } from './pathGuard';
import { killAllRunning } from '../../process/runProcess';
import { isNamespaceMain } from '../../process/reapOrphans';

async function main(): Promise<void> {
  const args = parseServerArgs(process.argv.slice(2));
  const guard = await PathGuard.create(args.root);
  const server = createLoomToolServer({
    guard,
    commandTimeoutMs: args.commandTimeoutMs,
    env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    // Only where this server is the sandbox's main process: elsewhere init's children are not ours.
    reapOrphans: args.reapOrphans && isNamespaceMain(),
  });
  let closing = false;
  const shutdown = (code: number): void => {
    if (closing) return;
    closing = true;
    killAllRunning();
    void server.close().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 1000).unref();
  };
  // The client closing our stdin is the normal way to end.
  process.stdin.on('end', () => shutdown(0));
  process.stdin.on('close', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  process.on('uncaughtException', (err) => process.stderr.write(`loom tool server: uncaught ${err.stack ?? err}\n`));
  process.on('unhandledRejection', (err) => process.stderr.write(`loom tool server: unhandled ${String(err)}\n`));
  server.connect();
  process.stderr.write(`loom tool server: root ${guard.root}${args.reapOrphans ? ', reaping orphans' : ''}\n`);
}

main().catch((err) => {
  process.stderr.write(`loom tool server: ${(err as Error).message ?? String(err)}\n`);
  process.exit(2);
});
