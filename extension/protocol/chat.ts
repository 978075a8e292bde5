import { z } from 'zod';

/** Plain-data chat messages (OpenAI chat shape), journaled at each checkpoint so a resume can continue. */
export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Raw JSON text as the model sent it: it may be invalid, and the agent must cope. */
  arguments: z.string(),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const ChatMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string().nullable(), toolCalls: z.array(ToolCallSchema).default([]) }),
  z.object({ role: z.literal('tool'), toolCallId: z.string(), content: z.string() }),
]);
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
