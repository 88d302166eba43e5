export { registerMemoryRoutes } from './memory-routes.ts';
export {
  type LookupRecord,
  type MemoryCommunication,
  type MemoryCommunicationParty,
  MemoryStore,
  type ObservationResource,
  type ProfileRecord,
  type ProfileSeed,
  type RecallRecord,
  type RecallRequest,
  type SummaryResource,
  type Traits,
} from './memory-store.ts';
