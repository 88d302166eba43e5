export {
  type BuiltInToolName,
  BuiltInTools,
  createKnowledgeSearchTool,
  createKnowledgeSearchToolAsync,
  createMemoryRetrievalTool,
  createSendMessageTool,
  type KnowledgeSearchInput,
  type KnowledgeSearchToolOptions,
  knowledgeToolName,
  type MemoryRetrievalInput,
  type MemoryRetrievalOutput,
  type MemoryRetrievalToolOptions,
  type SendMessageInput,
  type SendMessageOutput,
  type SendMessageToolOptions,
} from './built-in/index.ts';
export {
  createTool,
  defineTool,
  isZodSchema,
  TOOL_NAME_PATTERN,
  type ToolDefinition,
  type ToolImplementation,
  type ToolInput,
  type ToolParameters,
  type ToolSpec,
  type ZodSchema,
} from './define-tool.ts';
export { type InvokeToolOptions, invokeTool } from './invoke-tool.ts';
export { validateJsonSchema } from './json-schema-validator.ts';
export { safeJsonStringify } from './safe-json.ts';
export { DEFAULT_MAX_TOOL_OUTPUT_CHARS } from './tool-output.ts';
export type { JSONSchema, TACTool, ToolContext, ToolResult, ToolValidation } from './types.ts';
