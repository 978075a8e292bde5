import * as fs from 'node:fs/promises';
import { z } from 'zod';
import type { McpServerConfig } from '../../protocol/workerMessages';
import { LOOM_SERVER_NAME } from './mcpAgentTools';

/** A user's MCP configuration file that cannot be used; the message names the file. */
export class McpConfigError extends Error {
  constructor(
    readonly filePath: string,
    message: string,
  ) {
    super(`${filePath}: ${message}`);
    this.name = 'McpConfigError';
  }
}

export interface McpConfigLoad {
  servers: McpServerConfig[];
  /** Entries skipped or fields ignored, one sentence each, naming the file. */
  warnings: string[];
}

export interface McpConfigOptions {
  /**
   * The agent's worktree: replaces `${workspaceFolder}` in command, args and env values. Without
   * it the placeholders are kept, to be bound per agent with bindWorkspaceFolder().
   */
  workspaceFolder?: string;
}

const ServerEntrySchema = z.looseObject({
  type: z.string().optional(),
  command: z.string().min(1, 'must not be empty').optional(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  url: z.string().optional(),
  cwd: z.string().optional(),
  envFile: z.string().optional(),
  /** Loom's own key: `"host"` asks for the machine's network inside the sandbox (default: loopback only). */
  network: z.enum(['loopback', 'host']).optional(),
});

const McpFileSchema = z.looseObject({
  servers: z.record(z.string(), ServerEntrySchema).optional(),
  /** The Claude Desktop / Cursor spelling, accepted too. */
  mcpServers: z.record(z.string(), ServerEntrySchema).optional(),
  inputs: z.array(z.unknown()).optional(),
});

const WORKSPACE_FOLDER = '${workspaceFolder}';

/** Copies a JSON string literal starting at `i` (a quote); returns the index after it. */
function skipString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Removes // and /* *\/ comments, then trailing commas (mcp.json is JSON with comments); strings are kept intact. */
export function stripJsonComments(text: string): string {
  let noComments = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] === '"') {
      const end = skipString(text, i);
      noComments += text.slice(i, end);
      i = end;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      const end = close === -1 ? text.length : close + 2;
      // Keep newlines so that JSON.parse positions still point at the right line.
      noComments += text.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else {
      noComments += text[i++];
    }
  }
  let out = '';
  for (let i = 0; i < noComments.length; ) {
    if (noComments[i] === '"') {
      const end = skipString(noComments, i);
      out += noComments.slice(i, end);
      i = end;
    } else if (noComments[i] === ',') {
      let j = i + 1;
      while (j < noComments.length && /\s/.test(noComments[j])) j++;
      out += noComments[j] === '}' || noComments[j] === ']' ? ' ' : ',';
      i++;
    } else {
      out += noComments[i++];
    }
  }
  return out;
}

function substitute(value: string, workspaceFolder: string | undefined): string {
  return workspaceFolder === undefined ? value : value.split(WORKSPACE_FOLDER).join(workspaceFolder);
}

/** Replaces `${workspaceFolder}` in a server's command, args and env values with the agent's worktree. */
export function bindWorkspaceFolder(server: McpServerConfig, workspaceFolder: string): McpServerConfig {
  return {
    ...server,
    command: substitute(server.command, workspaceFolder),
    args: server.args.map((a) => substitute(a, workspaceFolder)),
    env: server.env.map(([k, v]) => [k, substitute(v, workspaceFolder)] as [string, string]),
  };
}

/** Parses the text of a `.vscode/mcp.json`-shaped file. Throws McpConfigError. */
export function parseMcpConfig(text: string, filePath: string, options: McpConfigOptions = {}): McpConfigLoad {
  let json: unknown;
  try {
    json = JSON.parse(stripJsonComments(text));
  } catch (err) {
    throw new McpConfigError(filePath, `not valid JSON: ${(err as Error).message}`);
  }
  const parsed = McpFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`);
    throw new McpConfigError(filePath, `invalid MCP configuration:\n  ${issues.join('\n  ')}`);
  }
  const warnings: string[] = [];
  const entries = { ...(parsed.data.mcpServers ?? {}), ...(parsed.data.servers ?? {}) };
  const servers: McpServerConfig[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    const type = entry.type ?? (entry.command ? 'stdio' : entry.url ? 'http' : undefined);
    if (type !== 'stdio') {
      warnings.push(`${filePath}: skipped MCP server "${name}": type "${type ?? 'unknown'}" is not supported (Loom starts stdio servers only)`);
      continue;
    }
    if (!entry.command) throw new McpConfigError(filePath, `servers.${name}.command: required for a stdio server`);
    if (name === LOOM_SERVER_NAME) throw new McpConfigError(filePath, `servers.${name}: the name "${LOOM_SERVER_NAME}" is reserved for Loom's own tool server`);
    if (!name.trim()) throw new McpConfigError(filePath, 'a server name must not be empty');
    if (entry.cwd !== undefined && entry.cwd !== WORKSPACE_FOLDER) {
      warnings.push(`${filePath}: MCP server "${name}": "cwd" is ignored; servers always run in the agent's worktree`);
    }
    if (entry.envFile !== undefined) warnings.push(`${filePath}: MCP server "${name}": "envFile" is not supported and was ignored`);
    const env: [string, string][] = [];
    for (const [key, value] of Object.entries(entry.env ?? {})) {
      if (value !== null) env.push([key, String(value)]);
    }
    const server: McpServerConfig = { name, command: entry.command, args: entry.args ?? [], env, ...(entry.network ? { network: entry.network } : {}) };
    for (const value of [server.command, ...server.args, ...env.map(([, v]) => v)]) {
      for (const m of value.matchAll(/\$\{([^}]+)\}/g)) {
        if (m[1] !== 'workspaceFolder') {
          warnings.push(`${filePath}: MCP server "${name}": variable "${m[0]}" is not supported and is passed unchanged`);
        }
      }
    }
    servers.push(options.workspaceFolder === undefined ? server : bindWorkspaceFolder(server, options.workspaceFolder));
  }
  return { servers, warnings };
}

/**
 * Loads user-configured MCP servers from a `.vscode/mcp.json`-shaped file:
 * `{ "servers": { name: { "type"?: "stdio", command, args?, env? } } }`. A missing file is no
 * servers. Non-stdio entries are skipped with a warning. Throws McpConfigError.
 */
export async function loadMcpConfig(filePath: string, options: McpConfigOptions = {}): Promise<McpConfigLoad> {
  let text: string;
  try {
    text = await fs.readFile(filePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { servers: [], warnings: [] };
    throw new McpConfigError(filePath, `cannot read: ${(err as Error).message}`);
  }
  return parseMcpConfig(text, filePath, options);
}
