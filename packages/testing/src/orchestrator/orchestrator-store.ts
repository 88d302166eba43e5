import { notFound, TwilioHttpError } from '../http/twilio-error.ts';
import { newId } from '../util/ids.ts';
import { isoNow } from '../util/time.ts';
import type { WebhookDelivery } from '../webhooks/webhook-sender.ts';
import { addressProblem } from './addresses.ts';
import type {
  ActionRecord,
  CommunicationAuthor,
  CommunicationContent,
  CommunicationRecipient,
  CommunicationResource,
  ConfigurationResource,
  ConversationResource,
  ConversationStatus,
  OrchestratorChannel,
  OrchestratorEvent,
  OrchestratorEventType,
  ParticipantAddress,
  ParticipantResource,
  ParticipantType,
  SendMessagePayload,
  StatusCallback,
} from './types.ts';

/** Everything the store keeps about one conversation. */
export interface ConversationRecord {
  resource: ConversationResource;
  participants: ParticipantResource[];
  communications: CommunicationResource[];
  /** Channel ids seen in the conversation (CallSid for voice, CH… for chat); `?channelId=` filters on them. */
  channelIds: Set<string>;
  /** Set by `PATCH {configuration:{statusCallbacks}}`; overrides the configuration's. */
  statusCallbacks?: StatusCallback[];
}

/** Input of a participant (create or full replacement). */
export interface ParticipantInput {
  name?: string | null;
  type: ParticipantType;
  profileId?: string | null;
  addresses: { channel: OrchestratorChannel; address: string; channelId?: string | null }[];
}

/** What the store needs from the emulator around it. */
export interface OrchestratorHooks {
  /** Deliver an event to the conversation's status callbacks; resolves with the delivery (or undefined when none). */
  emit(record: ConversationRecord, event: OrchestratorEvent): Promise<WebhookDelivery | undefined>;
  /** A communication addressed to someone: hand it to the simulated customer owning that address. */
  deliverToCustomer(communication: CommunicationResource): void;
}

/** Result of adding a communication. */
export interface AddedCommunication {
  communication: CommunicationResource;
  /** The `COMMUNICATION_CREATED` delivery (undefined when no status callback is set). */
  delivery: Promise<WebhookDelivery | undefined>;
}

const clone = <T>(v: T): T => structuredClone(v);

/**
 * In-memory Conversation Orchestrator: configuration, conversations,
 * participants, communications and Actions, with the webhooks each change
 * produces (reference tac-reference.md §2).
 */
export class OrchestratorStore {
  readonly configuration: ConfigurationResource;
  /** Every Actions API request, oldest first. */
  readonly actions: ActionRecord[] = [];
  private readonly records = new Map<string, ConversationRecord>();
  private readonly accountId: string;
  private readonly hooks: OrchestratorHooks;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(options: {
    accountId: string;
    configuration: ConfigurationResource;
    hooks: OrchestratorHooks;
  }) {
    this.accountId = options.accountId;
    this.configuration = options.configuration;
    this.hooks = options.hooks;
  }

  /** Every conversation record, oldest first. */
  all(): ConversationRecord[] {
    return [...this.records.values()];
  }

  /** A conversation record, or a 404. */
  get(id: string): ConversationRecord {
    const record = this.records.get(id);
    if (!record) throw notFound('Conversation', id);
    return record;
  }

  /** A conversation record, or undefined. */
  find(id: string): ConversationRecord | undefined {
    return this.records.get(id);
  }

  /** Conversations filtered like `GET /v2/Conversations?status=&channelId=`. */
  list(filter: { status?: string; channelId?: string }): ConversationResource[] {
    return this.all()
      .filter((r) => !filter.status || r.resource.status === filter.status)
      .filter((r) => !filter.channelId || r.channelIds.has(filter.channelId))
      .map((r) => clone(r.resource));
  }

  /**
   * Create a conversation with inline participants (`POST /v2/Conversations`).
   * With `checkConflict`, an open conversation with the same addresses (per the
   * configuration's grouping) answers 409 with `X-Conflicting-Resource-Id`.
   */
  create(input: {
    configurationId: string;
    name?: string | null;
    participants?: ParticipantInput[];
    channelIds?: string[];
    checkConflict?: boolean;
  }): ConversationRecord {
    if (input.configurationId !== this.configuration.id) {
      throw new TwilioHttpError(404, `Configuration ${input.configurationId} was not found`);
    }
    const participants = input.participants ?? [];
    for (const [i, p] of participants.entries()) {
      this.validateAddresses(p.addresses, `participants.${i}.addresses`);
    }
    if (input.checkConflict) {
      const existing = this.findConflict(participants);
      if (existing) {
        throw new TwilioHttpError(
          409,
          `An active conversation with the same participant addresses already exists: ${existing.resource.id}`,
          { headers: { 'X-Conflicting-Resource-Id': existing.resource.id } },
        );
      }
    }
    const now = isoNow();
    const record: ConversationRecord = {
      resource: {
        id: newId.conversation(),
        accountId: this.accountId,
        configurationId: this.configuration.id,
        serviceId: this.configuration.conversationsV1Bridge.serviceId,
        status: 'ACTIVE',
        name: input.name ?? null,
        createdAt: now,
        updatedAt: now,
        configuration: { intelligenceServiceIds: [] },
      },
      participants: [],
      communications: [],
      channelIds: new Set(input.channelIds ?? []),
    };
    this.records.set(record.resource.id, record);
    this.emit(record, 'CONVERSATION_CREATED', record.resource);
    for (const p of participants) this.insertParticipant(record, p);
    return record;
  }

  /**
   * The open conversation a new inbound message from `address` on `channel`
   * belongs to, per the configuration's grouping type.
   */
  findGrouped(
    channel: OrchestratorChannel,
    address: string,
    profileId?: string,
  ): ConversationRecord | undefined {
    const grouping = this.configuration.conversationGroupingType;
    const open = this.all()
      .filter((r) => r.resource.status !== 'CLOSED')
      .reverse();
    if (grouping === 'GROUP_BY_PROFILE' && profileId) {
      const byProfile = open.find((r) => r.participants.some((p) => p.profileId === profileId));
      if (byProfile) return byProfile;
    }
    const sameChannel = grouping !== 'GROUP_BY_PARTICIPANT_ADDRESSES';
    return open.find((r) =>
      r.participants.some((p) =>
        p.addresses.some((a) => a.address === address && (!sameChannel || a.channel === channel)),
      ),
    );
  }

  /**
   * Change a conversation's status or name (`PUT /v2/Conversations/{id}`);
   * sends `CONVERSATION_UPDATED` when something changed.
   */
  update(
    id: string,
    change: { status?: ConversationStatus; name?: string | null },
  ): { record: ConversationRecord; delivery: Promise<WebhookDelivery | undefined> } {
    const record = this.get(id);
    this.checkUpdate(record, change);
    let changed = false;
    if (change.status && change.status !== record.resource.status) {
      record.resource.status = change.status;
      changed = true;
    }
    if (change.name !== undefined && change.name !== record.resource.name) {
      record.resource.name = change.name;
      changed = true;
    }
    if (!changed) return { record, delivery: Promise.resolve(undefined) };
    record.resource.updatedAt = isoNow();
    return { record, delivery: this.emit(record, 'CONVERSATION_UPDATED', record.resource) };
  }

  /**
   * `PATCH /v2/Conversations/{id}`: status, name and per-conversation
   * configuration together. Everything is checked before anything changes, so
   * a rejected request (e.g. a status change on a CLOSED conversation) leaves
   * the conversation as it was.
   */
  patch(
    id: string,
    change: {
      status?: ConversationStatus;
      name?: string | null;
      configuration?: { statusCallbacks?: StatusCallback[] };
    },
  ): { record: ConversationRecord; delivery: Promise<WebhookDelivery | undefined> } {
    const record = this.get(id);
    this.checkUpdate(record, change);
    // Configuration first, so the CONVERSATION_UPDATED below already goes to the new status callbacks.
    if (change.configuration) this.patchConfiguration(id, change.configuration);
    return this.update(id, change);
  }

  /** `PATCH /v2/Conversations/{id}`: per-conversation configuration (e.g. `statusCallbacks: []` stops webhooks). */
  patchConfiguration(id: string, configuration: { statusCallbacks?: StatusCallback[] }): ConversationRecord {
    const record = this.get(id);
    if (configuration.statusCallbacks !== undefined) {
      record.statusCallbacks = configuration.statusCallbacks;
      record.resource.configuration.statusCallbacks = configuration.statusCallbacks;
    }
    record.resource.updatedAt = isoNow();
    return record;
  }

  /** Status callbacks that apply to a conversation. */
  statusCallbacksOf(record: ConversationRecord): StatusCallback[] {
    return record.statusCallbacks ?? this.configuration.statusCallbacks;
  }

  /** `POST …/Participants`; 409 when another participant already owns one of the addresses. */
  addParticipant(conversationId: string, input: ParticipantInput): ParticipantResource {
    const record = this.get(conversationId);
    this.validateAddresses(input.addresses, 'addresses');
    for (const a of input.addresses) {
      const owner = this.ownerOf(record, a.channel, a.address);
      if (owner) {
        throw new TwilioHttpError(
          409,
          `Address ${a.address} on ${a.channel} already belongs to participant ${owner.id} (type ${owner.type})`,
          { headers: { 'X-Conflicting-Resource-Id': owner.id } },
        );
      }
    }
    return this.insertParticipant(record, input);
  }

  /** `PUT …/Participants/{id}` (full replacement); sends `PARTICIPANT_UPDATED`. */
  updateParticipant(
    conversationId: string,
    participantId: string,
    input: ParticipantInput,
  ): ParticipantResource {
    const record = this.get(conversationId);
    const participant = record.participants.find((p) => p.id === participantId);
    if (!participant) throw notFound('Participant', participantId);
    this.validateAddresses(input.addresses, 'addresses');
    for (const a of input.addresses) {
      const owner = this.ownerOf(record, a.channel, a.address);
      if (owner && owner.id !== participantId) {
        throw new TwilioHttpError(
          409,
          `Address ${a.address} on ${a.channel} already belongs to participant ${owner.id}`,
          {
            headers: { 'X-Conflicting-Resource-Id': owner.id },
          },
        );
      }
    }
    participant.name = input.name ?? null;
    participant.type = input.type;
    participant.profileId = input.profileId ?? null;
    participant.addresses = input.addresses.map((a) => ({ ...a, channelId: a.channelId ?? null }));
    participant.updatedAt = isoNow();
    this.emit(record, 'PARTICIPANT_UPDATED', participant);
    return participant;
  }

  /** `DELETE …/Participants/{id}`; sends `PARTICIPANT_REMOVED`. */
  removeParticipant(conversationId: string, participantId: string): void {
    const record = this.get(conversationId);
    const index = record.participants.findIndex((p) => p.id === participantId);
    if (index < 0) throw notFound('Participant', participantId);
    const [removed] = record.participants.splice(index, 1);
    this.emit(record, 'PARTICIPANT_REMOVED', removed);
  }

  /** The participant owning (channel, address) in a conversation. */
  ownerOf(
    record: ConversationRecord,
    channel: OrchestratorChannel,
    address: string,
  ): ParticipantResource | undefined {
    return record.participants.find((p) =>
      p.addresses.some((a) => a.channel === channel && a.address === address),
    );
  }

  /** Store a communication and send `COMMUNICATION_CREATED`. */
  addCommunication(
    conversationId: string,
    input: {
      author: { channel: OrchestratorChannel; address?: string; participantId?: string | null };
      recipients: { channel: OrchestratorChannel; address?: string; participantId?: string | null }[];
      content: CommunicationContent;
      channelId?: string | null;
      deliverToCustomer?: boolean;
    },
  ): AddedCommunication {
    const record = this.get(conversationId);
    const author = this.resolveParty(record, input.author, 'author');
    const recipients: CommunicationRecipient[] = input.recipients.map((r, i) => ({
      ...this.resolveParty(record, r, `recipients.${i}`),
      deliveryStatus: 'DELIVERED',
    }));
    const now = isoNow();
    const communication: CommunicationResource = {
      id: newId.communication(),
      conversationId,
      accountId: this.accountId,
      serviceId: record.resource.serviceId,
      author,
      content: input.content,
      channelId: input.channelId ?? null,
      recipients,
      createdAt: now,
      updatedAt: now,
    };
    if (communication.channelId) record.channelIds.add(communication.channelId);
    record.communications.push(communication);
    if (input.deliverToCustomer !== false) this.hooks.deliverToCustomer(clone(communication));
    return { communication, delivery: this.emit(record, 'COMMUNICATION_CREATED', communication) };
  }

  /**
   * Accept a `SEND_MESSAGE` action (validated now, so errors are synchronous
   * 4xx); the message is stored, delivered and announced as
   * `COMMUNICATION_CREATED` right after the 202, as Twilio does.
   */
  sendMessage(conversationId: string, payload: SendMessagePayload): ActionRecord {
    const record = this.get(conversationId);
    if (record.resource.status === 'CLOSED') {
      throw new TwilioHttpError(
        400,
        `Conversation ${conversationId} is CLOSED; messages can no longer be sent`,
      );
    }
    const channel = payload.from.channel;
    for (const [i, to] of payload.to.entries()) {
      if (to.channel !== channel) {
        throw new TwilioHttpError(
          400,
          `payload.to.${i}.channel (${to.channel}) must match payload.from.channel (${channel})`,
        );
      }
    }
    const author = this.resolveParty(record, payload.from, 'payload.from');
    if (author.participantId) {
      const sender = record.participants.find((p) => p.id === author.participantId);
      if (sender?.type === 'UNKNOWN') {
        // [inferred] Twilio's TAC reconciles UNKNOWN (v1 bridge) participants before replying because sends
        // from them were rejected with 409 (reference §7, PY #19 / TS #23).
        throw new TwilioHttpError(
          409,
          `Participant ${sender.id} has type UNKNOWN; update it to AI_AGENT before sending as it`,
          { headers: { 'X-Conflicting-Resource-Id': sender.id } },
        );
      }
    }
    for (const [i, to] of payload.to.entries()) this.resolveParty(record, to, `payload.to.${i}`);
    const settings = payload.channelSettings ?? {};
    const chatChannelId = typeof settings['channelId'] === 'string' ? settings['channelId'] : undefined;
    if (channel === 'CHAT' && !chatChannelId) {
      throw new TwilioHttpError(
        400,
        'payload.channelSettings.channelId is required for CHAT (the Chat channel SID)',
      );
    }
    const action: ActionRecord = {
      id: newId.action(),
      type: 'SEND_MESSAGE',
      status: 'PENDING',
      conversationId,
      createdAt: isoNow(),
      payload: clone(payload),
    };
    this.actions.push(action);
    const work = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      if (!this.records.has(conversationId)) return;
      const added = this.addCommunication(conversationId, {
        author: payload.from,
        recipients: payload.to,
        content: { type: 'TEXT', text: payload.content.text },
        channelId: chatChannelId ?? null,
      });
      action.status = 'COMPLETED';
      action.communicationId = added.communication.id;
      await added.delivery;
    });
    this.track(work);
    return action;
  }

  /** Wait for pending Actions to complete (used by `stop()`). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.catch(() => {}).finally(() => this.pending.delete(p));
  }

  private insertParticipant(record: ConversationRecord, input: ParticipantInput): ParticipantResource {
    const now = isoNow();
    const participant: ParticipantResource = {
      id: newId.participant(),
      conversationId: record.resource.id,
      accountId: this.accountId,
      name: input.name ?? null,
      type: input.type,
      profileId: input.profileId ?? null,
      addresses: input.addresses.map((a) => ({
        channel: a.channel,
        address: a.address,
        channelId: a.channelId ?? null,
      })),
      createdAt: now,
      updatedAt: now,
    };
    for (const a of participant.addresses) if (a.channelId) record.channelIds.add(a.channelId);
    record.participants.push(participant);
    this.emit(record, 'PARTICIPANT_ADDED', participant);
    return participant;
  }

  // The checks of `update`, apart so that `patch` can run them before it changes anything.
  private checkUpdate(record: ConversationRecord, change: { status?: ConversationStatus }): void {
    if (change.status && change.status !== record.resource.status && record.resource.status === 'CLOSED') {
      throw new TwilioHttpError(400, `Conversation ${record.resource.id} is CLOSED and cannot change status`);
    }
  }

  private validateAddresses(addresses: ParticipantInput['addresses'], path: string): void {
    addresses.forEach((a, i) => {
      const problem = addressProblem(a.channel, a.address);
      if (problem) throw new TwilioHttpError(400, `${path}.${i}.address: ${problem}`);
    });
  }

  private findConflict(participants: ParticipantInput[]): ConversationRecord | undefined {
    const grouping = this.configuration.conversationGroupingType;
    const open = this.all().filter((r) => r.resource.status !== 'CLOSED');
    if (grouping === 'GROUP_BY_PROFILE') {
      const profileIds = participants.map((p) => p.profileId).filter((id): id is string => !!id);
      const hit = open.find((r) =>
        r.participants.some((p) => p.profileId && profileIds.includes(p.profileId)),
      );
      if (hit) return hit;
    }
    const wanted: ParticipantAddress[] = participants.flatMap((p) =>
      p.addresses.map((a) => ({ ...a, channelId: a.channelId ?? null })),
    );
    if (wanted.length === 0) return undefined;
    const sameChannel = grouping !== 'GROUP_BY_PARTICIPANT_ADDRESSES';
    return open.find((r) =>
      wanted.every((w) =>
        r.participants.some((p) =>
          p.addresses.some((a) => a.address === w.address && (!sameChannel || a.channel === w.channel)),
        ),
      ),
    );
  }

  private resolveParty(
    record: ConversationRecord,
    party: { channel: OrchestratorChannel; address?: string; participantId?: string | null },
    path: string,
  ): CommunicationAuthor {
    if (party.participantId) {
      const p = record.participants.find((x) => x.id === party.participantId);
      if (!p)
        throw new TwilioHttpError(
          400,
          `${path}.participantId ${party.participantId} is not a participant of ${record.resource.id}`,
        );
      const address = p.addresses.find((a) => a.channel === party.channel);
      if (!address) {
        throw new TwilioHttpError(400, `${path}: participant ${p.id} has no ${party.channel} address`);
      }
      if (party.address && party.address !== address.address) {
        throw new TwilioHttpError(
          400,
          `${path}.address does not match participant ${p.id}'s ${party.channel} address`,
        );
      }
      return { address: address.address, channel: party.channel, participantId: p.id };
    }
    if (!party.address) throw new TwilioHttpError(400, `${path} needs a participantId or an address`);
    const owner = this.ownerOf(record, party.channel, party.address);
    return { address: party.address, channel: party.channel, participantId: owner?.id ?? null };
  }

  private emit(
    record: ConversationRecord,
    eventType: OrchestratorEventType,
    data: unknown,
  ): Promise<WebhookDelivery | undefined> {
    const promise = this.hooks.emit(record, { eventType, timestamp: isoNow(), data: clone(data) });
    this.track(promise);
    return promise;
  }
}
