export {
  buildHandoffPayload,
  type HandoffRequest,
  type HandoffResult,
  initiateHandoff,
  studioSenderFor,
} from './initiate-handoff.ts';
export {
  createStudioHandoffTool,
  type StudioHandoffInput,
  type StudioHandoffToolOptions,
} from './studio-handoff-tool.ts';
