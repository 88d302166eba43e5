/** Twilio products the emulator serves; faults are injected per product. */
export type Product = 'conversations' | 'memory' | 'knowledge' | 'studio' | 'api';

/** Every {@link Product}. */
export const PRODUCTS: readonly Product[] = ['conversations', 'memory', 'knowledge', 'studio', 'api'];

/** Which product a request path belongs to (Twilio's real paths, one origin). */
export function productOf(path: string): Product | undefined {
  if (path.startsWith('/v2/Conversations') || path.startsWith('/v2/ControlPlane/Configurations'))
    return 'conversations';
  if (path.startsWith('/v1/Stores') || path.startsWith('/v1/ControlPlane/Stores')) return 'memory';
  if (path.startsWith('/v2/KnowledgeBases') || path.startsWith('/v2/ControlPlane/KnowledgeBases'))
    return 'knowledge';
  // Studio's REST API, and its voice webhook (webhooks.twilio.com on Twilio).
  if (path.startsWith('/v2/Flows') || /^\/v1\/Accounts\/[^/]+\/Flows\//.test(path)) return 'studio';
  if (path.startsWith('/2010-04-01')) return 'api';
  return undefined;
}
