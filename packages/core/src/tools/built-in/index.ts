export { type BuiltInToolName, BuiltInTools } from './built-in-tools.ts';
export {
  createKnowledgeSearchTool,
  createKnowledgeSearchToolAsync,
  type KnowledgeSearchInput,
  type KnowledgeSearchToolOptions,
  knowledgeToolName,
} from './knowledge-search-tool.ts';
export {
  createMemoryRetrievalTool,
  type MemoryRetrievalInput,
  type MemoryRetrievalOutput,
  type MemoryRetrievalToolOptions,
} from './memory-retrieval-tool.ts';
export {
  createSendMessageTool,
  type SendMessageInput,
  type SendMessageOutput,
  type SendMessageToolOptions,
} from './send-message-tool.ts';
