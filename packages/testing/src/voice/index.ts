export {
  ConversationRelayClient,
  type ConversationRelayClientOptions,
  type RelayClose,
  type RelayEvents,
  type RelayProtocolError,
  type RelayReply,
} from './conversation-relay-client.ts';
export { type CallEnd, type CallEvents, EmulatedCall } from './emulated-call.ts';
export {
  type AppFrame,
  checkAppFrame,
  type DtmfMessage,
  type EndFrame,
  type ErrorMessage,
  type FrameCheck,
  type InterruptMessage,
  type LanguageFrame,
  type PlayFrame,
  type PromptMessage,
  type RelayToAppMessage,
  type SendDigitsFrame,
  type SetupMessage,
  type TextFrame,
} from './frames.ts';
export { type ConversationRelayTwiml, type InterruptMode, type ParsedTwiml, parseTwiml } from './twiml.ts';
export {
  type AnswerOptions,
  type PlaceCallOptions,
  VoiceCaller,
  type VoiceCallerContext,
} from './voice-caller.ts';
export { decodeEntities, parseXml, type XmlElement } from './xml.ts';
