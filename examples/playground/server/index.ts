/** The playground's web side: the page server and the `/api/live` WebSocket protocol. */
export { LiveHub, type LiveHubOptions, type PlaygroundEmulator } from './live-hub.ts';
export {
  type ClientMessage,
  ClientMessageSchema,
  type CustomerCard,
  FORWARDED_EVENTS,
  type ForwardedEvent,
  type ServerMessage,
} from './live-protocol.ts';
export { LiveSession, type LiveSessionHost } from './live-session.ts';
export { createPlaygroundApp } from './playground-app.ts';
