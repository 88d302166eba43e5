import { isDeepStrictEqual } from 'node:util';
import type { ConversationSession } from '../session/index.ts';
import type { TAC } from '../tac.ts';

/** `session.metadata` as it was when a turn started (values copied, so in-place edits show up). */
export type MetadataSnapshot = ReadonlyMap<string, unknown>;

function copy(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    // Not cloneable (a function, say): compared by identity then.
    return value;
  }
}

/** Remember `session.metadata` at the start of a turn. */
export function snapshotMetadata(session: ConversationSession): MetadataSnapshot {
  return new Map(Object.entries(session.metadata).map(([key, value]) => [key, copy(value)]));
}

/** Keys the turn set or changed (with their new values) and keys it deleted. */
function metadataChanges(
  before: MetadataSnapshot,
  after: Record<string, unknown>,
): { set: Record<string, unknown>; deleted: string[] } {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (!before.has(key) || !isDeepStrictEqual(before.get(key), value)) set[key] = value;
  }
  const deleted = [...before.keys()].filter((key) => !Object.hasOwn(after, key));
  return { set, deleted };
}

/**
 * Bring `session.metadata` up to date with the store before a turn starts.
 * The channel may have loaded this session before the conversation's previous
 * turn wrote its changes back (a store that hands out copies, a message that
 * arrived while that turn was finishing), and an adapter must see them (e.g.
 * which OpenAI agent answered last). Everything else TAC changes on a session
 * is written at once, so the stored metadata is the newer one.
 */
export async function refreshMetadata(tac: TAC, session: ConversationSession): Promise<void> {
  const stored = await tac.sessions.get(session.conversationId);
  if (!stored || stored === session || isDeepStrictEqual(stored.metadata, session.metadata)) return;
  session.metadata = { ...stored.metadata };
}

/**
 * Write back what a turn changed in `session.metadata` (adapters keep
 * per-conversation state there), for every session store: the changed and
 * deleted keys are applied to the stored session, so fields others wrote
 * meanwhile are kept, and nothing is written when the store already has them
 * (a tool that saved the session itself). A session that no longer exists (the
 * conversation ended during the turn) is not brought back. Returns whether it
 * wrote.
 */
export async function persistMetadataChanges(
  tac: TAC,
  session: ConversationSession,
  before: MetadataSnapshot,
): Promise<boolean> {
  const changes = metadataChanges(before, session.metadata);
  if (Object.keys(changes.set).length === 0 && changes.deleted.length === 0) return false;
  const stored = await tac.sessions.get(session.conversationId);
  if (!stored) return false;
  if (stored !== session) {
    // A store that hands out copies: apply only what it doesn't have yet.
    const set = Object.entries(changes.set).filter(([key, value]) => {
      return !Object.hasOwn(stored.metadata, key) || !isDeepStrictEqual(stored.metadata[key], value);
    });
    const deleted = changes.deleted.filter((key) => Object.hasOwn(stored.metadata, key));
    if (set.length === 0 && deleted.length === 0) return false;
    const metadata = { ...stored.metadata, ...Object.fromEntries(set) };
    for (const key of deleted) delete metadata[key];
    stored.metadata = metadata;
  }
  await tac.sessions.set(stored);
  return true;
}
