export { registerStudioRoutes } from './studio-routes.ts';
export { type StudioExecution, StudioStore } from './studio-store.ts';
export {
  isStudioWebhookRequest,
  recordVoiceHandoff,
  STUDIO_WEBHOOK_HOST,
  STUDIO_WEBHOOK_PATH,
  studioWebhookFlow,
} from './studio-webhook.ts';
