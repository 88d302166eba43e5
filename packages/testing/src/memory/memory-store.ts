import { notFound, TwilioHttpError } from '../http/twilio-error.ts';
import { rankBm25 } from '../knowledge/bm25.ts';
import { normalizeEmail, normalizePhone } from '../orchestrator/addresses.ts';
import { newId } from '../util/ids.ts';
import { isoNow } from '../util/time.ts';

/** Trait groups of a profile: group name → fields. */
export type Traits = Record<string, Record<string, unknown>>;

/** Observation resource. */
export interface ObservationResource {
  id: string;
  content: string;
  source: string;
  createdAt: string;
  updatedAt: string;
  occurredAt: string;
  conversationIds: string[];
}

/** Conversation summary resource. */
export interface SummaryResource {
  id: string;
  content: string;
  conversationId: string | null;
  createdAt: string;
  updatedAt: string;
  source: string;
  occurredAt: string;
}

/** A party of a Memory communication. */
export interface MemoryCommunicationParty {
  id: string | null;
  name: string | null;
  address: string;
  channel: string;
  type: string | null;
  profileId: string | null;
}

/** A communication as Recall returns it. */
export interface MemoryCommunication {
  id: string;
  author: MemoryCommunicationParty;
  content: { text?: string };
  recipients: MemoryCommunicationParty[];
  channelId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A profile with its memories. */
export interface ProfileRecord {
  id: string;
  createdAt: string;
  traits: Traits;
  observations: ObservationResource[];
  summaries: SummaryResource[];
}

/** What `emu.memory.seedProfile` takes. */
export interface ProfileSeed {
  /** E.164; stored as `traits.Contact.phone` and used by Lookup. */
  phone?: string;
  /** Stored as `traits.Contact.email` and used by Lookup. */
  email?: string;
  /** Trait groups, merged over the Contact group built from phone/email. */
  traits?: Traits;
  observations?: (
    | string
    | { content: string; occurredAt?: string; source?: string; conversationIds?: string[] }
  )[];
  summaries?: (string | { content: string; occurredAt?: string; source?: string; conversationId?: string })[];
}

/** A Recall request body (parsed). */
export interface RecallRequest {
  conversationId?: string;
  query?: string;
  beginDate?: string;
  endDate?: string;
  observationsLimit: number;
  summariesLimit: number;
  communicationsLimit: number;
  relevanceThreshold: number;
}

/** A recorded Recall: the profile and the request as the app sent it. */
export interface RecallRecord extends RecallRequest {
  profileId: string;
}

/** A recorded Lookup. */
export interface LookupRecord {
  idType: 'phone' | 'email';
  value: string;
  normalizedValue: string;
  profiles: string[];
}

const when = (item: { occurredAt?: string; createdAt: string }) =>
  Date.parse(item.occurredAt ?? item.createdAt);

/** Conversation Memory: one store of profiles, observations and summaries (`emu.memory`). */
export class MemoryStore {
  readonly storeId = newId.memoryStore();
  readonly profiles = new Map<string, ProfileRecord>();
  /** Every Recall request, oldest first. */
  readonly recalls: RecallRecord[] = [];
  /** Every Lookup request, oldest first. */
  readonly lookups: LookupRecord[] = [];

  /** Create a profile with memories; returns its `mem_profile_…` id. */
  seedProfile(seed: ProfileSeed = {}): string {
    const contact: Record<string, unknown> = {};
    if (seed.phone) contact['phone'] = seed.phone;
    if (seed.email) contact['email'] = seed.email;
    const traits: Traits = { ...seed.traits };
    if (Object.keys(contact).length) traits['Contact'] = { ...contact, ...seed.traits?.['Contact'] };
    const profile = this.insert(traits);
    this.addObservations(
      profile.id,
      (seed.observations ?? []).map((o) => (typeof o === 'string' ? { content: o } : o)),
    );
    this.addSummaries(
      profile.id,
      (seed.summaries ?? []).map((s) => (typeof s === 'string' ? { content: s } : s)),
    );
    return profile.id;
  }

  /** A profile, or a 404. */
  profile(id: string): ProfileRecord {
    const p = this.profiles.get(id);
    if (!p) throw notFound('Profile', id);
    return p;
  }

  /** Profiles whose phone (or email) trait matches, as Lookup does. */
  lookup(idType: 'phone' | 'email', value: string): LookupRecord {
    const normalizedValue = idType === 'phone' ? normalizePhone(value) : normalizeEmail(value);
    const profiles = [...this.profiles.values()]
      .filter((p) => this.identifiersOf(p.traits)[idType].includes(normalizedValue))
      .map((p) => p.id);
    const record = { idType, value, normalizedValue, profiles };
    this.lookups.push(record);
    return record;
  }

  /** The profile id owning an address (phone, `whatsapp:+…`, email), if any. */
  profileIdFor(address: string): string | undefined {
    const isEmail = address.includes('@');
    const value = isEmail ? normalizeEmail(address) : normalizePhone(address);
    for (const p of this.profiles.values()) {
      if (this.identifiersOf(p.traits)[isEmail ? 'email' : 'phone'].includes(value)) return p.id;
    }
    return undefined;
  }

  /**
   * Create or update a profile (`POST …/Profiles`): identity resolution on the
   * phone/email traits; without one of them Twilio answers 400.
   */
  upsert(traits: Traits): string {
    const ids = this.identifiersOf(traits);
    if (ids.phone.length === 0 && ids.email.length === 0) {
      throw new TwilioHttpError(
        400,
        'traits must contain an identifier (e.g. traits.Contact.phone or traits.Contact.email) for identity resolution',
      );
    }
    const existing = [...this.profiles.values()].find((p) => {
      const own = this.identifiersOf(p.traits);
      return ids.phone.some((v) => own.phone.includes(v)) || ids.email.some((v) => own.email.includes(v));
    });
    if (existing) {
      for (const [group, fields] of Object.entries(traits)) {
        existing.traits[group] = { ...existing.traits[group], ...fields };
      }
      return existing.id;
    }
    return this.insert(traits).id;
  }

  /** Add observations to a profile. */
  addObservations(
    profileId: string,
    items: { content: string; source?: string; occurredAt?: string; conversationIds?: string[] }[],
  ): ObservationResource[] {
    const profile = this.profile(profileId);
    const added = items.map((o) => {
      const now = isoNow();
      return {
        id: newId.observation(),
        content: o.content,
        source: o.source ?? 'conversation-intelligence',
        createdAt: now,
        updatedAt: now,
        occurredAt: o.occurredAt ?? now,
        conversationIds: o.conversationIds ?? [],
      };
    });
    profile.observations.push(...added);
    return added;
  }

  /** Add conversation summaries to a profile. */
  addSummaries(
    profileId: string,
    items: { content: string; source?: string; occurredAt?: string; conversationId?: string | null }[],
  ): SummaryResource[] {
    const profile = this.profile(profileId);
    const added = items.map((s) => {
      const now = isoNow();
      return {
        id: newId.summary(),
        content: s.content,
        conversationId: s.conversationId ?? null,
        createdAt: now,
        updatedAt: now,
        source: s.source ?? 'conversation-intelligence',
        occurredAt: s.occurredAt ?? now,
      };
    });
    profile.summaries.push(...added);
    return added;
  }

  /**
   * Recall: with a `query`, observations and summaries ranked by BM25 and
   * filtered by `relevanceThreshold`; without, the most recent. Communications
   * come from the given conversation (most recent, oldest first).
   */
  recall(
    profileId: string,
    request: RecallRequest,
    communicationsOf: (conversationId: string) => MemoryCommunication[],
  ): {
    observations: ObservationResource[];
    summaries: SummaryResource[];
    communications: MemoryCommunication[];
  } {
    const profile = this.profile(profileId);
    this.recalls.push({ profileId, ...request });
    const inRange = <T extends { occurredAt?: string; createdAt: string }>(items: T[]) =>
      items.filter(
        (i) =>
          (!request.beginDate || when(i) >= Date.parse(request.beginDate)) &&
          (!request.endDate || when(i) <= Date.parse(request.endDate)),
      );
    const pick = <T extends { content: string; occurredAt?: string; createdAt: string }>(
      items: T[],
      limit: number,
    ) => {
      const pool = inRange(items);
      if (!request.query) return [...pool].sort((a, b) => when(b) - when(a)).slice(0, limit);
      return rankBm25(request.query, pool, (i) => i.content)
        .filter((s) => s.score >= request.relevanceThreshold)
        .slice(0, limit)
        .map((s) => s.item);
    };
    const communications =
      request.conversationId && request.communicationsLimit > 0
        ? communicationsOf(request.conversationId).slice(-request.communicationsLimit)
        : [];
    return {
      observations: pick(profile.observations, request.observationsLimit),
      summaries: pick(profile.summaries, request.summariesLimit),
      communications,
    };
  }

  private insert(traits: Traits): ProfileRecord {
    const profile: ProfileRecord = {
      id: newId.profile(),
      createdAt: isoNow(),
      traits: structuredClone(traits),
      observations: [],
      summaries: [],
    };
    this.profiles.set(profile.id, profile);
    return profile;
  }

  private identifiersOf(traits: Traits): { phone: string[]; email: string[] } {
    const phone: string[] = [];
    const email: string[] = [];
    for (const fields of Object.values(traits)) {
      if (!fields || typeof fields !== 'object') continue;
      if (typeof fields['phone'] === 'string') phone.push(normalizePhone(fields['phone']));
      if (typeof fields['email'] === 'string') email.push(normalizeEmail(fields['email']));
    }
    return { phone, email };
  }
}
