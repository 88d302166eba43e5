export { type CallRecord, CallRegistry, type CallStatus, isTerminal } from './call-registry.ts';
export { registerCallRoutes } from './calls-routes.ts';
export { type FormBody, field, fields, flatten } from './form.ts';
export { registerMessageRoutes, type SentMessage } from './messages-routes.ts';
export { createTwilioClient, EmulatorRequestClient } from './twilio-client.ts';
