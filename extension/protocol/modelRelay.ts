import { z } from 'zod';
import { ChatMessageSchema, ToolCallSchema } from './chat';
import { UsageSchema } from './usage';

/**
 * A model the host provides (VS Code's Language Model API) cannot be called from a worker thread:
 * the worker asks its coordinator, which asks the host. These are the payloads of that relay.
 */
export const RelayToolSpecSchema = z.object({
  name: z.string(),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});

export const RelayChatRequestSchema = z.object({
  requestId: z.number().int(),
  messages: z.array(ChatMessageSchema),
  tools: z.array(RelayToolSpecSchema),
});

export const RelayChatResponseSchema = z.object({
  content: z.string().nullable(),
  toolCalls: z.array(ToolCallSchema),
  finishReason: z.string(),
  usage: UsageSchema,
  model: z.string(),
});

export const RelayErrorSchema = z.object({
  kind: z.enum(['rateLimited', 'server', 'timeout', 'malformed', 'auth', 'badRequest', 'network', 'budget', 'cancelled']),
  message: z.string(),
  retryable: z.boolean(),
  retryAfterMs: z.number().optional(),
});
