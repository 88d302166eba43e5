/**
 * An in-process fake of the Orchestrator and Memory REST endpoints the
 * messaging channels call, plugged in as TAC's `fetch`. Unit tests only; the
 * end-to-end suites in test/messaging use the real emulator from @tac/testing.
 */
import { createSilentLogger } from '../../../logging/index.ts';
import type { Participant, SendMessageAction } from '../../../orchestrator/orchestrator-types.ts';
import { TAC } from '../../../tac.ts';

export const CONFIG_ID = `conv_configuration_${'a'.repeat(26)}`;
export const STORE_ID = 'mem_store_test';
export const CHAT_SERVICE = 'IS00000000000000000000000000000000';
export const PHONE = '+15550001111';
export const WHATSAPP = 'whatsapp:+15550001111';
export const RCS = 'rcs:brand_agent';

interface Fault {
  method: string;
  path: RegExp;
  status: number;
  times: number;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

/** The fake's state and knobs. */
export class FakeTwilio {
  readonly requests: RecordedRequest[] = [];
  readonly participants = new Map<string, Participant[]>();
  readonly conversations = new Map<string, { id: string; status: string; configurationId: string }>();
  readonly profiles = new Map<string, string>();
  readonly summaries: { profileId: string; body: unknown }[] = [];
  /** 409 answer for the next conversation creation, naming this id. */
  conflictWith: string | undefined;
  private readonly faults: Fault[] = [];
  private seq = 0;

  /** The next `times` requests matching `method` + `path` answer `status`. */
  fail(method: string, path: RegExp, status: number, times = 1, headers?: Record<string, string>): void {
    this.faults.push({ method, path, status, times, headers });
  }

  /** Actions (SEND_MESSAGE) accepted, in order. */
  get actions(): { conversationId: string; body: SendMessageAction }[] {
    return this.requests
      .filter((r) => r.method === 'POST' && /\/Actions$/.test(r.path) && (r as { ok?: boolean }).ok)
      .map((r) => ({ conversationId: r.path.split('/')[3] as string, body: r.body as SendMessageAction }));
  }

  /** Texts sent to customers, in order. */
  get sentTexts(): string[] {
    return this.actions.map((a) => a.body.payload.content.text);
  }

  addParticipant(conversationId: string, p: Omit<Participant, 'id'> & { id?: string }): Participant {
    const participant = { ...p, id: p.id ?? `participant_${++this.seq}` } as Participant;
    const list = this.participants.get(conversationId) ?? [];
    list.push(participant);
    this.participants.set(conversationId, list);
    return participant;
  }

  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' && init.body ? JSON.parse(init.body) : undefined;
    const record: RecordedRequest & { ok?: boolean } = { method, path: url.pathname, body };
    this.requests.push(record);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      record.ok = status < 300;
      return new Response(JSON.stringify(value), {
        status,
        headers: { 'content-type': 'application/json', ...headers },
      });
    };
    const fault = this.faults.find((f) => f.method === method && f.path.test(url.pathname) && f.times > 0);
    if (fault) {
      fault.times--;
      return json(
        fault.status,
        { code: 20500, message: 'injected fault', status: fault.status },
        fault.headers,
      );
    }
    const parts = url.pathname.split('/').filter(Boolean);
    // Orchestrator
    if (parts[0] === 'v2' && parts[1] === 'ControlPlane') {
      return json(200, {
        id: CONFIG_ID,
        memoryStoreId: STORE_ID,
        conversationsV1Bridge: { serviceId: CHAT_SERVICE },
      });
    }
    if (parts[0] === 'v2' && parts[1] === 'Conversations') {
      const id = parts[2];
      if (!id && method === 'POST') {
        if (this.conflictWith) {
          return json(
            409,
            { code: 50409, message: 'conflict' },
            { 'x-conflicting-resource-id': this.conflictWith },
          );
        }
        const conv = {
          id: `conv_conversation_${++this.seq}`,
          status: 'ACTIVE',
          configurationId: body.configurationId,
        };
        this.conversations.set(conv.id, conv);
        for (const p of body.participants ?? [])
          this.addParticipant(conv.id, { ...p, profileId: p.profileId ?? null });
        return json(201, conv);
      }
      if (id && parts.length === 3 && method === 'PUT') {
        const conv = { id, configurationId: CONFIG_ID, ...this.conversations.get(id), status: body.status };
        this.conversations.set(id, conv);
        return json(200, conv);
      }
      if (id && parts[3] === 'Participants') {
        const list = this.participants.get(id) ?? [];
        if (method === 'GET') return json(200, { participants: list, meta: { nextToken: null } });
        if (method === 'POST') return json(201, this.addParticipant(id, { ...body, conversationId: id }));
        if (method === 'PUT') {
          const index = list.findIndex((p) => p.id === parts[4]);
          if (index < 0) return json(404, { code: 20404, message: 'not found' });
          list[index] = { ...body, id: parts[4], conversationId: id };
          return json(200, list[index]);
        }
      }
      if (id && parts[3] === 'Actions' && method === 'POST') {
        return json(202, {
          id: `action_${++this.seq}`,
          type: body.type,
          status: 'PENDING',
          conversationId: id,
        });
      }
    }
    // Memory
    if (parts[0] === 'v1' && parts[1] === 'Stores') {
      if (parts[3] === 'Profiles' && parts[4] === 'Lookup') {
        const found = this.profiles.get(body.value);
        return json(200, { normalizedValue: body.value, profiles: found ? [found] : [] });
      }
      if (parts[3] === 'Profiles' && parts.length === 4 && method === 'POST') {
        const phone = Object.values(body.traits ?? {}).map((g) => (g as { phone?: string } | null)?.phone)[0];
        const id = `mem_profile_${++this.seq}`;
        if (phone) this.profiles.set(phone, id);
        return json(202, { id });
      }
      if (parts[5] === 'ConversationSummaries') {
        this.summaries.push({ profileId: parts[4] as string, body });
        return json(201, { message: 'Summaries creation accepted' });
      }
    }
    return json(404, { code: 20404, message: `fake: no route ${method} ${url.pathname}` });
  };
}

/** A TAC in orchestrated mode wired to a {@link FakeTwilio}. */
export async function createFakeTAC(
  extra: Record<string, unknown> = {},
  options: { turnTimeoutMs?: number } = {},
): Promise<{ tac: TAC; fake: FakeTwilio }> {
  const fake = new FakeTwilio();
  const tac = await TAC.create({
    config: {
      accountSid: `AC${'a'.repeat(32)}`,
      authToken: 'token',
      apiKey: `SK${'b'.repeat(32)}`,
      apiSecret: 'secret',
      phoneNumber: PHONE,
      whatsappNumber: WHATSAPP,
      rcsSenderId: RCS,
      conversationConfigurationId: CONFIG_ID,
      apiBaseUrl: 'http://fake.twilio.test',
      ...extra,
    },
    logger: createSilentLogger(),
    http: { fetch: fake.fetch as typeof fetch, backoffMs: 0 },
    options: { turnTimeoutMs: options.turnTimeoutMs ?? 10_000 },
  });
  return { tac, fake };
}

/** A COMMUNICATION_CREATED envelope. */
export function communication(
  conversationId: string,
  text: string,
  author: { address: string; channel?: string; participantId?: string },
  extra: Record<string, unknown> = {},
) {
  return {
    eventType: 'COMMUNICATION_CREATED',
    timestamp: new Date().toISOString(),
    data: {
      id: `comm_${Math.random().toString(36).slice(2)}`,
      conversationId,
      author: { channel: 'SMS', ...author },
      content: { type: 'TEXT', text },
      ...extra,
    },
  };
}

/** Wait until `check` holds (polling the event loop), or fail after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
