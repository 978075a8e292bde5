import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** Flattens an MCP tool result into text for the model, capped at `maxChars`. */
export function toolResultText(result: CallToolResult, maxChars: number): string {
  const parts: string[] = [];
  for (const item of result.content ?? []) {
    switch (item.type) {
      case 'text':
        parts.push(item.text);
        break;
      case 'image':
      case 'audio':
        parts.push(`[${item.type} ${item.mimeType}, ${Math.floor((item.data.length * 3) / 4)} bytes]`);
        break;
      case 'resource': {
        const resource = item.resource as { uri: string; mimeType?: string; text?: string };
        parts.push(typeof resource.text === 'string' ? resource.text : `[resource ${resource.uri}${resource.mimeType ? ` (${resource.mimeType})` : ''}]`);
        break;
      }
      case 'resource_link':
        parts.push(`[resource link ${item.uri}${item.name ? ` "${item.name}"` : ''}]`);
        break;
      default:
        parts.push(JSON.stringify(item));
    }
  }
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  if (parts.length === 0 && 'toolResult' in result) parts.push(JSON.stringify((result as unknown as { toolResult: unknown }).toolResult));
  const text = parts.join('\n');
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n[truncated: showing ${maxChars} of ${text.length} characters]`;
}
