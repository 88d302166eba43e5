export type {
  AmdEvent,
  CallStatusEvent,
  InboundCallRequest,
  RecordingEvent,
  RelayActionCallback,
  TwilioForm,
} from './call-events.ts';
export {
  type ConversationLookupOptions,
  findConversationByCallSid,
  identifyVoiceParticipants,
  lookupDelays,
  type VoiceParticipants,
} from './conversation-lookup.ts';
export {
  type DtmfFrame,
  type EndFrame,
  type InboundFrame,
  type InfoFrame,
  type InterruptFrame,
  type LanguageFrame,
  type OutboundFrame,
  type ParsedFrame,
  type PlayFrame,
  type PromptFrame,
  parseInboundFrame,
  type RelayErrorFrame,
  type SendDigitsFrame,
  type SetupFrame,
  type TextFrame,
} from './relay-frames.ts';
export {
  DEFAULT_WELCOME_GREETING,
  mergeTwiMLOptions,
  type ResolvedTwiMLOptions,
  renderConversationRelayTwiml,
  resolveActionUrl,
  studioVoiceHandoffUrl,
} from './twiml.ts';
export {
  type InterruptMode,
  type LanguageOptions,
  LanguageOptionsSchema,
  type VoiceTwiMLOptions,
  VoiceTwiMLOptionsSchema,
} from './twiml-options.ts';
export {
  type ActionCallbackContext,
  type ActionCallbackHandler,
  type DtmfContext,
  type DtmfHandler,
  type InboundCallTwiMLCustomizer,
  type InitiateVoiceConversationOptions,
  VoiceChannel,
  type VoiceHttpResult,
  type VoiceOrigins,
} from './voice-channel.ts';
export {
  type ResolvedVoiceChannelOptions,
  type VoiceChannelOptions,
  VoiceChannelOptionsSchema,
} from './voice-channel-options.ts';
export type { VoiceChannelEventMap } from './voice-events.ts';
