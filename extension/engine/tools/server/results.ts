import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PathError } from './pathGuard';

export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** Turns anything a tool handler throws into a tool error for the model; the server never crashes. */
export function errorFrom(err: unknown, action: string): CallToolResult {
  if (err instanceof PathError) return errorResult(err.message);
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const detail =
    code === 'ENOENT' ? 'no such file or directory'
    : code === 'EISDIR' ? 'is a directory'
    : code === 'ENOTDIR' ? 'a parent is not a directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ELOOP' ? 'it is a symlink, which file tools do not follow'
    : code === 'EROFS' ? 'read-only file system (outside the worktree)'
    : e instanceof Error ? e.message
    : String(err);
  return errorResult(`${action}: ${detail}`);
}

/** Wraps a handler so that a throw becomes a tool error result. */
export function guarded<A>(action: (args: A) => string, run: (args: A) => Promise<CallToolResult>) {
  return async (args: A): Promise<CallToolResult> => {
    try {
      return await run(args);
    } catch (err) {
      return errorFrom(err, action(args));
    }
  };
}
