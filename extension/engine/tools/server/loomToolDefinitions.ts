// What Loom's tool server lists: its tools' names, descriptions, argument fields and annotations, as
// data. The server registers its handlers under these; the coordinator gives the same list to each
// agent with the server's config (loomServerConfig), so an agent's first model call need not wait
// for its server to start and answer tools/list.
import type { ToolDefinition } from './stdioToolServer';
import { listedTool, type InputFields, type ListedTool } from './toolInput';

type LoomToolDefinition = ToolDefinition<InputFields>;

export const READ_FILE = {
  description: 'Read a UTF-8 text file of the workspace. `path` is relative to the workspace root.',
  inputSchema: { path: { type: 'string', description: 'file path relative to the workspace root' } },
  annotations: { readOnlyHint: true },
} as const satisfies LoomToolDefinition;

export const WRITE_FILE = {
  description:
    'Create or overwrite a UTF-8 text file in the workspace (parent folders are created). `path` is relative to the workspace root.',
  inputSchema: {
    path: { type: 'string', description: 'file path relative to the workspace root' },
    content: { type: 'string', description: 'the complete new content of the file' },
  },
  annotations: { destructiveHint: true, idempotentHint: true },
} as const satisfies LoomToolDefinition;

export const LIST_FILES = {
  description:
    'List files recursively (skips .git and node_modules). `path` is a folder relative to the workspace root (default: the root); `glob` filters paths (e.g. "**/*.ts", or "*.md" for any folder).',
  inputSchema: {
    path: { type: 'string', optional: true, description: 'folder relative to the workspace root; default the root' },
    glob: { type: 'string', optional: true, description: 'picomatch glob matched against the path from the root' },
  },
  annotations: { readOnlyHint: true },
} as const satisfies LoomToolDefinition;

export const SEARCH = {
  description:
    'Search text files of the workspace for a JavaScript regular expression (skips .git, node_modules, binary files and files that commonly hold secrets such as .env). Returns `path:line: text` lines. `glob` filters the files searched.',
  inputSchema: {
    pattern: { type: 'string', minLength: 1, description: 'JavaScript regular expression (no slashes or flags)' },
    glob: { type: 'string', optional: true, description: 'picomatch glob matched against the path from the root' },
  },
  annotations: { readOnlyHint: true },
} as const satisfies LoomToolDefinition;

export function runCommandDefinition(timeoutMs: number) {
  return {
    description:
      `Run a program in the workspace root without a shell (argv form, e.g. ["npm","test"]). ` +
      `Timeout ${timeoutMs} ms; output is truncated. Only loopback networking is available.`,
    inputSchema: {
      command: { type: 'string[]', minItems: 1, description: 'program and its arguments, e.g. ["npm", "test"]' },
    },
    annotations: { openWorldHint: false },
  } as const satisfies LoomToolDefinition;
}

/** The server's tools/list answer, in the order it registers them (a stable prompt prefix depends on it). */
export function loomToolList(commandTimeoutMs: number): ListedTool[] {
  return [
    listedTool('read_file', READ_FILE),
    listedTool('write_file', WRITE_FILE),
    listedTool('list_files', LIST_FILES),
    listedTool('search', SEARCH),
    listedTool('run_command', runCommandDefinition(commandTimeoutMs)),
  ];
}
