export { type Bm25Options, rankBm25, type Scored, tokenize } from './bm25.ts';
export { registerKnowledgeRoutes } from './knowledge-routes.ts';
export {
  type KnowledgeBaseResource,
  type KnowledgeChunk,
  type KnowledgeSearchRecord,
  type KnowledgeSeed,
  KnowledgeStore,
} from './knowledge-store.ts';
