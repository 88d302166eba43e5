/** Names models see for the built-in tools (as in Twilio's TAC). */
export const BuiltInTools = Object.freeze({
  RETRIEVE_MEMORY: 'retrieve_profile_memory',
  SEND_MESSAGE: 'send_message',
  HANDOFF: 'handoff',
  SEARCH_KNOWLEDGE: 'search_knowledge',
} as const);

/** One of the {@link BuiltInTools} names. */
export type BuiltInToolName = (typeof BuiltInTools)[keyof typeof BuiltInTools];
