import { raceAbort } from '../async/abortable.ts';
import type { ConversationSession } from '../session/index.ts';
import type { TAC } from '../tac.ts';
import { MemoryClient } from './memory-client.ts';
import { resolveProfileId } from './resolve-profile.ts';
import { TACMemoryResponse } from './tac-memory-response.ts';

/** Options of {@link retrieveMemory}. */
export interface RetrieveMemoryOptions {
  /** Gives up early (the turn was aborted); the result is then empty. */
  signal?: AbortSignal;
  /** Total budget, Memory and fallback together. @defaultValue `tac.options.memoryTimeoutMs` */
  timeoutMs?: number;
}

/**
 * Share of the budget Memory gets before the Orchestrator fallback takes
 * over: a hanging Memory API must leave the fallback time to answer.
 */
const MEMORY_SHARE = 2 / 3;
/** Fallback page: enough recent history for a prompt, small enough to stay fast. */
const FALLBACK_PAGE_SIZE = 50;

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

/** Settle with `promise`, or reject when `signal` fires, even if the work behind the promise ignores the signal. */
function bounded<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return signal ? raceAbort(promise, signal) : promise;
}

/** Persist session fields learned here, without resurrecting a conversation that ended meanwhile. */
async function persist(tac: TAC, session: ConversationSession): Promise<void> {
  try {
    if (await tac.sessions.get(session.conversationId)) await tac.sessions.set(session);
  } catch (error) {
    tac.logger.warn(
      { err: error, conversationId: session.conversationId },
      'could not save the session after memory',
    );
  }
}

async function fromMemory(
  tac: TAC,
  client: MemoryClient,
  session: ConversationSession,
  query: string | undefined,
  signal: AbortSignal | undefined,
): Promise<TACMemoryResponse> {
  const knownProfileId = session.profileId;
  const profileId = await resolveProfileId(client, session, { signal });
  const config = tac.config.memoryConfig;
  let changed = profileId !== knownProfileId;

  // The profile and Recall are independent: fetch them together to keep the turn fast.
  const profile =
    session.profile?.id === profileId
      ? Promise.resolve()
      : client.getProfile(profileId, { traitGroups: config.traitGroups, signal }).then(
          (p) => {
            session.profile = { id: p.id, createdAt: p.createdAt, traits: p.traits };
            changed = true;
          },
          (error: unknown) => {
            // A missing profile is not worth losing the observations for (TAC treats it as non-fatal).
            tac.logger.debug(
              { err: error, conversationId: session.conversationId },
              'memory profile fetch failed; continuing without it',
            );
          },
        );
  const recall = client.recall(
    profileId,
    {
      conversationId: session.conversationId,
      query,
      observationsLimit: config.observationsLimit,
      summariesLimit: config.summariesLimit,
      communicationsLimit: config.communicationsLimit,
      relevanceThreshold: config.relevanceThreshold,
    },
    { signal },
  );
  const [, memory] = await Promise.all([profile, recall]);
  if (changed) await persist(tac, session);
  return memory;
}

async function fromOrchestrator(
  tac: TAC,
  session: ConversationSession,
  signal: AbortSignal | undefined,
): Promise<TACMemoryResponse> {
  const res = await tac.http.request({
    product: 'conversations',
    method: 'GET',
    path: `/v2/Conversations/${encodeURIComponent(session.conversationId)}/Communications`,
    query: { pageSize: FALLBACK_PAGE_SIZE },
    signal,
  });
  return TACMemoryResponse.fromCommunications(res.body);
}

/**
 * Memory for a session (reference §1.6), as `tac.retrieveMemory` and the turn
 * runner use it:
 *
 * 1. relay-only mode: empty;
 * 2. no Memory store: the Orchestrator's communications for the conversation;
 * 3. otherwise the profile (`session.profileId`, or a Lookup by the customer's
 *    phone or email), the profile's traits (`traitGroups`, kept on
 *    `session.profile`) and a Recall with the configured limits, threshold,
 *    `conversationId` and `query`;
 * 4. any Memory failure or timeout: the Orchestrator fallback, then empty.
 *
 * Never throws, and never takes longer than `tac.options.memoryTimeoutMs`:
 * Memory gets two thirds of that budget, the fallback the rest.
 */
export async function retrieveMemory(
  tac: TAC,
  session: ConversationSession,
  query?: string,
  options: RetrieveMemoryOptions = {},
): Promise<TACMemoryResponse> {
  if (!tac.isOrchestratorEnabled()) return TACMemoryResponse.empty();
  const budget = options.timeoutMs ?? tac.options.memoryTimeoutMs;
  const total = anySignal(options.signal, budget > 0 ? AbortSignal.timeout(budget) : undefined);
  const ref = { conversationId: session.conversationId, channel: session.channel };

  const client = MemoryClient.fromTAC(tac);
  if (client) {
    const memorySignal = anySignal(
      total,
      budget > 0 ? AbortSignal.timeout(Math.max(1, Math.floor(budget * MEMORY_SHARE))) : undefined,
    );
    try {
      return await bounded(fromMemory(tac, client, session, query, memorySignal), memorySignal);
    } catch (error) {
      tac.logger.warn(
        { ...ref, err: error, timedOut: memorySignal?.aborted ?? false },
        'Conversation Memory unavailable; falling back to Orchestrator communications',
      );
    }
  }
  if (options.signal?.aborted) return TACMemoryResponse.empty();
  try {
    return await bounded(fromOrchestrator(tac, session, total), total);
  } catch (error) {
    tac.logger.warn(
      { ...ref, err: error },
      'Orchestrator communications unavailable; continuing without memory',
    );
    return TACMemoryResponse.empty();
  }
}
