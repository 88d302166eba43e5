import { TACError, TACErrorCode } from '../errors/index.ts';
import type { ConversationSession } from '../session/index.ts';
import type { MemoryClient, MemoryRequestOptions } from './memory-client.ts';

/** How a customer address is looked up in Memory, or `undefined` when it can't be. */
export function profileIdentityOf(
  address: string | undefined,
): { idType: 'phone' | 'email'; value: string } | undefined {
  if (!address) return undefined;
  // Orchestrator addresses carry a channel prefix (`whatsapp:+1555…`, `rcs:+1555…`); Memory wants the bare value.
  const bare = address.replace(/^[a-z]+:(?!\/\/)/i, '').trim();
  if (bare.includes('@')) return { idType: 'email', value: bare };
  // As in Twilio's TS SDK, only E.164 numbers are looked up (a chat handle is not a phone).
  if (/^\+\d{6,15}$/.test(bare)) return { idType: 'phone', value: bare };
  return undefined;
}

/**
 * The customer's Memory profile id: `session.profileId`, else a Lookup by the
 * customer's phone or email (first match wins, as in TAC). Sets
 * `session.profileId` when found (the caller persists the session). Throws
 * `TAC_ERR_NOT_FOUND` when there is no usable address or no match.
 */
export async function resolveProfileId(
  client: MemoryClient,
  session: ConversationSession,
  options: MemoryRequestOptions = {},
): Promise<string> {
  if (session.profileId) return session.profileId;
  const identity = profileIdentityOf(session.authorInfo?.address);
  if (!identity) {
    throw new TACError(
      TACErrorCode.NOT_FOUND,
      'No Memory profile: the customer has no phone number or email',
      {
        context: { conversationId: session.conversationId },
      },
    );
  }
  const [profileId] = await client.lookupProfile(identity.idType, identity.value, options);
  if (!profileId) {
    throw new TACError(
      TACErrorCode.NOT_FOUND,
      `No Memory profile matches the customer's ${identity.idType}`,
      {
        context: { conversationId: session.conversationId },
      },
    );
  }
  session.profileId = profileId;
  return profileId;
}
