import { afterEach, describe, expect, it } from 'vitest';
import { postSignedJson } from './helpers/signed-fetch.ts';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  CALLER,
  PHONE,
  startVoiceApp,
  type VoiceApp,
  waitFor,
} from './helpers/voice-app.ts';

const CONFIG_ID = 'conv_configuration_0123456789abcdefghijklmnop';
const CONV_ID = 'conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2';
const CALL_SID = 'CA00000000000000000000000000000001';

/**
 * A scripted Conversation Orchestrator behind TAC's fetch: the configuration,
 * the conversation lookup by CallSid (empty until `publish()`), participants.
 */
function scriptedOrchestrator(options: { neverPublish?: boolean } = {}) {
  let published = false;
  const lookups: string[] = [];
  const fetchImpl = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    if (url.pathname === `/v2/ControlPlane/Configurations/${CONFIG_ID}`) {
      return json({ id: CONFIG_ID, memoryStoreId: 'mem_store_01' });
    }
    if (url.pathname === '/v2/Conversations') {
      lookups.push(`${url.searchParams.get('channelId')}:${url.searchParams.get('status')}`);
      const found = published && !options.neverPublish;
      return json({
        conversations: found ? [{ id: CONV_ID, status: 'ACTIVE', configurationId: CONFIG_ID }] : [],
      });
    }
    if (url.pathname === `/v2/Conversations/${CONV_ID}/Participants`) {
      return json({
        participants: [
          {
            id: 'conv_participant_customer',
            type: 'CUSTOMER',
            profileId: 'mem_profile_01',
            addresses: [{ channel: 'VOICE', address: CALLER }],
          },
          {
            id: 'conv_participant_agent',
            type: 'AI_AGENT',
            profileId: null,
            addresses: [{ channel: 'VOICE', address: PHONE }],
          },
        ],
      });
    }
    return new Response(JSON.stringify({ code: 20404, message: 'not found', status: 404 }), {
      status: 404,
      headers: { 'content-type': 'application/json' },
    });
  };
  return {
    fetch: fetchImpl as typeof fetch,
    lookups,
    publish() {
      published = true;
    },
  };
}

const fastLookup = { attempts: 10, initialDelayMs: 1, maxDelayMs: 4 };

describe('orchestrated voice (conversation found by CallSid)', () => {
  let app: VoiceApp;
  afterEach(async () => {
    await app?.close();
  });

  it('puts conversationConfiguration into the TwiML', async () => {
    const co = scriptedOrchestrator();
    app = await startVoiceApp({
      config: { conversationConfigurationId: CONFIG_ID },
      tac: { http: { fetch: co.fetch } },
    });
    const res = await app.postForm('/twiml', {
      CallSid: CALL_SID,
      AccountSid: ACCOUNT_SID,
      From: CALLER,
      To: PHONE,
    });
    expect(await res.text()).toContain(`conversationConfiguration="${CONFIG_ID}"`);
  });

  it('a prompt that arrives before the conversation exists waits for the lookup, then runs with the session', async () => {
    const co = scriptedOrchestrator();
    app = await startVoiceApp({
      config: { conversationConfigurationId: CONFIG_ID },
      tac: { http: { fetch: co.fetch } },
      voice: { conversationLookup: fastLookup },
    });
    const turns: { conversationId: string; profileId?: string }[] = [];
    app.tac.onMessageReady(({ conversationId, profileId }) => {
      turns.push({ conversationId, profileId });
      return 'found you';
    });
    const call = await app.call();
    call.prompt('hello');
    await waitFor(() => co.lookups.length >= 2);
    expect(turns).toEqual([]);
    co.publish();
    const reply = await call.reply();
    expect(reply.text).toBe('found you');
    expect(turns).toEqual([{ conversationId: CONV_ID, profileId: 'mem_profile_01' }]);
    expect(co.lookups[0]).toBe(`${CALL_SID}:ACTIVE`);
    const session = await app.voice.getSessionByCallSid(CALL_SID);
    expect(session).toMatchObject({
      conversationId: CONV_ID,
      callSid: CALL_SID,
      profileId: 'mem_profile_01',
      authorInfo: { address: CALLER, participantId: 'conv_participant_customer' },
      aiAgentInfo: { address: PHONE, participantId: 'conv_participant_agent' },
    });

    // Hang-up keeps the session until the conversation closes.
    await call.hangup();
    await waitFor(() => app.voice.openCalls === 0);
    expect(await app.tac.sessions.size()).toBe(1);
    expect((await app.voice.getSessionByCallSid(CALL_SID))?.conversationId).toBe(CONV_ID);

    // INACTIVE drops the memoryMode 'once' cache; CLOSED ends the session (through POST /webhook).
    session!.cachedMemory = { observations: [] };
    await app.tac.sessions.set(session!);
    const event = (status: string) =>
      JSON.stringify({
        eventType: 'CONVERSATION_UPDATED',
        timestamp: '2026-01-01T00:00:00Z',
        data: { id: CONV_ID, accountId: ACCOUNT_SID, configurationId: CONFIG_ID, status },
      });
    expect(
      (await postSignedJson(app.baseUrl, '/webhook', event('INACTIVE'), { authToken: AUTH_TOKEN })).status,
    ).toBe(200);
    await waitFor(async () => (await app.tac.sessions.get(CONV_ID))?.cachedMemory === undefined);
    expect(
      (await postSignedJson(app.baseUrl, '/webhook', event('CLOSED'), { authToken: AUTH_TOKEN })).status,
    ).toBe(200);
    await waitFor(async () => (await app.tac.sessions.size()) === 0);
    expect(await app.voice.getSessionByCallSid(CALL_SID)).toBeUndefined();
    expect(await app.voice.hasConversation(CONV_ID)).toBe(false);
  });

  it('falls back to conversationId = CallSid when no conversation appears, and the caller is still answered', async () => {
    const co = scriptedOrchestrator({ neverPublish: true });
    app = await startVoiceApp({
      config: { conversationConfigurationId: CONFIG_ID },
      tac: { http: { fetch: co.fetch } },
      voice: { conversationLookup: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } },
    });
    const errors: string[] = [];
    app.tac.onError((e) => {
      errors.push((e as { code?: string }).code ?? '');
    });
    app.tac.onMessageReady(({ conversationId }) => `conversation ${conversationId}`);
    const call = await app.call();
    call.prompt('anyone?');
    expect((await call.reply()).text).toBe(`conversation ${CALL_SID}`);
    expect(co.lookups).toHaveLength(3);
    expect(errors).toContain('TAC_ERR_NOT_FOUND');
    await call.hangup();
    await waitFor(async () => (await app.tac.sessions.size()) === 0);
  });
});
