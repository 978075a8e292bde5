import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { TaskResultSchema } from '../../../protocol/taskResult';
import { errorResult, textResult } from './results';

/** The implementor's hand-off. The SDK validates the arguments with TaskResultSchema (invalid → a tool error listing the zod issues). */
export function registerReportTool(server: McpServer): void {
  server.registerTool(
    'report_result',
    {
      description:
        'Report the result of your task when you are finished (or blocked). List every file you changed and every test command you ran; the claims are checked.',
      inputSchema: TaskResultSchema,
    },
    async (args) => {
      const parsed = TaskResultSchema.safeParse(args);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.message}${i.path.length ? ` at ${i.path.join('.')}` : ''}`);
        return errorResult(`invalid result:\n${issues.join('\n')}`);
      }
      return textResult(JSON.stringify(parsed.data));
    },
  );
}
