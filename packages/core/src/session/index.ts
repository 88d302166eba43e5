export {
  type AuthorInfo,
  type ConversationSession,
  createSession,
  type HandoffPayload,
  type SessionProfile,
} from './conversation-session.ts';
export { InMemorySessionStore } from './in-memory-session-store.ts';
export type { SessionStore } from './session-store.ts';
