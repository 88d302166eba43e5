import { describe, expect, it } from 'vitest';
import { TACConfig } from '../../config/index.ts';
import {
  conversationRelayAttributes,
  mergeTwiMLOptions,
  renderConversationRelayTwiml,
  resolveActionUrl,
  studioVoiceHandoffUrl,
} from './twiml.ts';

const base = {
  accountSid: 'AC00000000000000000000000000000000',
  authToken: 'token',
  apiKey: 'SK1',
  apiSecret: 'secret',
  phoneNumber: '+15550001111',
};
const FLOW = `FW${'b'.repeat(32)}`;

describe('renderConversationRelayTwiml', () => {
  it("matches twilio's serializer output of the reference example byte for byte", async () => {
    const xml = await renderConversationRelayTwiml({
      websocketUrl: 'wss://example.com/ws?x=1&y=2',
      actionUrl: 'https://example.com/cr-action',
      welcomeGreeting: 'Hi & welcome <there>',
      dtmfDetection: true,
      interruptible: 'speech',
      reportInputDuringAgentSpeech: 'any',
      preemptible: true,
      speechTimeout: 800,
      conversationConfiguration: 'conv_configuration_x',
      languages: [{ code: 'es-MX', ttsProvider: 'Google', voice: 'es-US-Neural2-A' }],
      customParameters: { foo: 'bar' },
    });
    // Attribute order differs from the reference capture only where TAC's order puts
    // conversationConfiguration earlier; everything else (escaping, booleans, children) is identical.
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect action="https://example.com/cr-action">' +
        '<ConversationRelay url="wss://example.com/ws?x=1&amp;y=2" welcomeGreeting="Hi &amp; welcome &lt;there>" ' +
        'conversationConfiguration="conv_configuration_x" speechTimeout="800" interruptible="speech" ' +
        'reportInputDuringAgentSpeech="any" preemptible="true" dtmfDetection="true">' +
        '<Language code="es-MX" ttsProvider="Google" voice="es-US-Neural2-A"/><Parameter name="foo" value="bar"/>' +
        '</ConversationRelay></Connect></Response>',
    );
  });

  it('omits action when actionUrl is null and writes method only when given', async () => {
    expect(await renderConversationRelayTwiml({ websocketUrl: 'wss://h/ws', actionUrl: null })).toContain(
      '<Connect><ConversationRelay url="wss://h/ws"/></Connect>',
    );
    expect(
      await renderConversationRelayTwiml({
        websocketUrl: 'wss://h/ws',
        actionUrl: 'https://h/a',
        actionMethod: 'GET',
      }),
    ).toContain('<Connect action="https://h/a" method="GET">');
  });
});

describe('conversationRelayAttributes', () => {
  it('maps interrupt booleans to any/none, joins lists, skips null and undefined, lets extra win', () => {
    expect(
      conversationRelayAttributes({
        websocketUrl: 'wss://h/ws',
        welcomeGreeting: null,
        interruptible: false,
        welcomeGreetingInterruptible: true,
        reportInputDuringAgentSpeech: true,
        hints: ['a', 'b'],
        events: ['speaker-events', 'tokens-played'],
        voice: 'A',
        extra: { voice: 'B', newThing: 3 },
      }),
    ).toEqual({
      url: 'wss://h/ws',
      welcomeGreetingInterruptible: 'any',
      voice: 'B',
      interruptible: 'none',
      reportInputDuringAgentSpeech: 'any',
      hints: 'a,b',
      events: 'speaker-events tokens-played',
      newThing: '3',
    });
  });
});

describe('mergeTwiMLOptions', () => {
  it('later layers win; customParameters and extra merge; languages are replaced; undefined is ignored', () => {
    expect(
      mergeTwiMLOptions(
        { voice: 'A', customParameters: { a: '1' }, languages: [{ code: 'en-US' }], extra: { x: 1 } },
        undefined,
        {
          voice: undefined,
          customParameters: { b: '2' },
          languages: [{ code: 'es-MX' }],
          extra: { y: 2 },
          actionUrl: null,
        },
      ),
    ).toEqual({
      voice: 'A',
      customParameters: { a: '1', b: '2' },
      languages: [{ code: 'es-MX' }],
      extra: { x: 1, y: 2 },
      actionUrl: null,
    });
  });
});

describe('action URL', () => {
  const plain = new TACConfig(base);
  const studio = new TACConfig({ ...base, studioHandoffFlowSid: FLOW });

  it('derives {origin}{voiceActionPath} by default', () => {
    expect(resolveActionUrl([undefined, {}], plain, 'https://app.example.com')).toBe(
      'https://app.example.com/conversation-relay-callback',
    );
  });

  it('prefers the Studio handoff URL over the default, and any explicit layer over Studio', () => {
    expect(resolveActionUrl([], studio, 'https://app')).toBe(
      `https://webhooks.twilio.com/v1/Accounts/${base.accountSid}/Flows/${FLOW}?Trigger=incomingCall`,
    );
    expect(resolveActionUrl([undefined, { actionUrl: 'https://channel' }], studio, 'https://app')).toBe(
      'https://channel',
    );
    expect(
      resolveActionUrl(
        [{ actionUrl: 'https://custom' }, { actionUrl: 'https://channel' }],
        studio,
        'https://app',
      ),
    ).toBe('https://custom');
    expect(
      resolveActionUrl([{ actionUrl: null }, { actionUrl: 'https://channel' }], studio, 'https://app'),
    ).toBeNull();
  });

  it('sends the Studio URL to TWILIO_API_BASE_URL when set (emulator)', () => {
    const local = new TACConfig({
      ...base,
      studioHandoffFlowSid: FLOW,
      apiBaseUrl: 'http://127.0.0.1:4010/',
    });
    expect(studioVoiceHandoffUrl(local)).toBe(
      `http://127.0.0.1:4010/v1/Accounts/${base.accountSid}/Flows/${FLOW}?Trigger=incomingCall`,
    );
    expect(studioVoiceHandoffUrl(plain)).toBeUndefined();
  });
});
