export {
  bodySha256,
  type SignedJsonWebhook,
  signFormWebhook,
  signJsonWebhook,
  signWebSocketUpgrade,
} from './signature.ts';
export { type ResolvedTarget, resolveTarget } from './tunnel.ts';
export {
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookKind,
  type WebhookRequest,
  type WebhookRetryPolicy,
  WebhookSender,
} from './webhook-sender.ts';
