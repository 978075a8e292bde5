/**
 * OpenTelemetry GenAI semantic-convention names (status: Development). The constants live only under
 * @opentelemetry/semantic-conventions/incubating, so Loom spells the few it uses here, once.
 * The conventions define no cost attribute: `loom.cost.usd` is Loom's own.
 */
export const ATTR = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  finishReasons: 'gen_ai.response.finish_reasons',
  agentId: 'gen_ai.agent.id',
  agentName: 'gen_ai.agent.name',
  conversationId: 'gen_ai.conversation.id',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  /** Input tokens read from the provider's prompt cache (a part of input_tokens). */
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  errorType: 'error.type',
  cost: 'loom.cost.usd',
  runId: 'loom.run.id',
  taskId: 'loom.task.id',
  role: 'loom.agent.role',
  mcpServer: 'loom.mcp.server',
} as const;
