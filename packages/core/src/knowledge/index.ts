export {
  type KnowledgeBase,
  type KnowledgeChunk,
  KnowledgeClient,
  type KnowledgeRequestOptions,
  type KnowledgeSearchParams,
} from './knowledge-client.ts';
