export {
  MemoryClient,
  type MemoryRequestOptions,
  type ObservationInput,
  type RecallParams,
  type SummaryInput,
} from './memory-client.ts';
export {
  camelizeKeys,
  type MemoryProfile,
  parseCommunications,
  parseObservations,
  parseSummaries,
} from './memory-items.ts';
export { MemoryPromptBuilder, type MemoryPromptOptions } from './memory-prompt-builder.ts';
export { profileIdentityOf, resolveProfileId } from './resolve-profile.ts';
export { type RetrieveMemoryOptions, retrieveMemory } from './retrieve-memory.ts';
export {
  type ObservationInfo,
  type SummaryInfo,
  type TACCommunication,
  type TACCommunicationAuthor,
  type TACMemoryData,
  TACMemoryResponse,
} from './tac-memory-response.ts';
