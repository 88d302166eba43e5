import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT_SID, CALLER, PHONE, startVoiceApp, type VoiceApp } from './helpers/voice-app.ts';

const form = {
  CallSid: 'CA00000000000000000000000000000005',
  AccountSid: ACCOUNT_SID,
  From: CALLER,
  To: PHONE,
  CallStatus: 'ringing',
  Direction: 'inbound',
};
const FLOW_SID = `FW${'a'.repeat(32)}`;

describe('POST /twiml', () => {
  let app: VoiceApp;
  afterEach(async () => {
    await app?.close();
  });

  async function twiml(path = '/twiml'): Promise<string> {
    const res = await app.postForm(path, form);
    expect(res.status).toBe(200);
    return res.text();
  }

  it('answers the default <Connect action><ConversationRelay> with the welcome greeting', async () => {
    app = await startVoiceApp();
    const host = new URL(app.baseUrl).host;
    expect(await twiml()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        `<Connect action="http://${host}/conversation-relay-callback">` +
        `<ConversationRelay url="ws://${host}/ws" welcomeGreeting="Hello! How can I assist you today?"/>` +
        '</Connect></Response>',
    );
  });

  it('uses TWILIO_VOICE_PUBLIC_DOMAIN (https/wss) and configured paths when set', async () => {
    app = await startVoiceApp({
      config: {
        voicePublicDomain: 'https://agent.example.com/',
        voiceWebsocketPath: '/relay',
        voiceActionPath: '/after',
      },
    });
    const xml = await twiml();
    expect(xml).toContain('<Connect action="https://agent.example.com/after">');
    expect(xml).toContain('url="wss://agent.example.com/relay"');
  });

  it('emits every typed attribute, <Language> and <Parameter> children, escaped', async () => {
    app = await startVoiceApp({
      voice: {
        twiml: {
          welcomeGreeting: 'Hi & welcome <there>',
          welcomeGreetingInterruptible: false,
          language: 'en-US',
          ttsLanguage: 'en-US',
          transcriptionLanguage: 'en-US',
          voice: 'en-US-Journey-O',
          ttsProvider: 'Google',
          transcriptionProvider: 'Deepgram',
          speechModel: 'nova-3-general',
          elevenlabsTextNormalization: 'on',
          eotThreshold: 0.7,
          partialPrompts: true,
          deepgramSmartFormat: true,
          speechTimeout: 800,
          interruptible: true,
          interruptSensitivity: 'medium',
          reportInputDuringAgentSpeech: 'speech',
          ignoreBackchannel: true,
          preemptible: true,
          dtmfDetection: true,
          profanityFilter: false,
          backgroundNoiseReduction: true,
          hints: ['Twilio', 'ConversationRelay'],
          events: ['speaker-events', 'tokens-played'],
          debug: 'debugging',
          intelligenceService: 'GA00000000000000000000000000000000',
          languages: [
            { code: 'es-MX', ttsProvider: 'Google', voice: 'es-US-Neural2-A' },
            { code: 'multi', transcriptionProvider: 'Deepgram', speechModel: 'nova-3-general' },
          ],
          customParameters: { tier: 'gold', visits: 3, profile: { vip: true } },
          extra: { turnDetection: 'semantic' },
        },
      },
    });
    const xml = await twiml();
    // Attribute values may hold an unescaped '>' (valid XML, as Twilio's serializer writes it).
    const relay = /<ConversationRelay ((?:[^>"]|"[^"]*")*)>/.exec(xml)?.[1] ?? '';
    const attrs = Object.fromEntries([...relay.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(attrs).toMatchObject({
      welcomeGreeting: 'Hi &amp; welcome &lt;there>',
      welcomeGreetingInterruptible: 'none',
      language: 'en-US',
      ttsLanguage: 'en-US',
      transcriptionLanguage: 'en-US',
      voice: 'en-US-Journey-O',
      ttsProvider: 'Google',
      transcriptionProvider: 'Deepgram',
      speechModel: 'nova-3-general',
      elevenlabsTextNormalization: 'on',
      eotThreshold: '0.7',
      partialPrompts: 'true',
      deepgramSmartFormat: 'true',
      speechTimeout: '800',
      interruptible: 'any',
      interruptSensitivity: 'medium',
      reportInputDuringAgentSpeech: 'speech',
      ignoreBackchannel: 'true',
      preemptible: 'true',
      dtmfDetection: 'true',
      profanityFilter: 'false',
      backgroundNoiseReduction: 'true',
      hints: 'Twilio,ConversationRelay',
      events: 'speaker-events tokens-played',
      debug: 'debugging',
      intelligenceService: 'GA00000000000000000000000000000000',
      turnDetection: 'semantic',
    });
    expect(xml).toContain('<Language code="es-MX" ttsProvider="Google" voice="es-US-Neural2-A"/>');
    expect(xml).toContain(
      '<Language code="multi" transcriptionProvider="Deepgram" speechModel="nova-3-general"/>',
    );
    expect(xml).toContain('<Parameter name="tier" value="gold"/>');
    expect(xml).toContain('<Parameter name="visits" value="3"/>');
    expect(xml).toContain('<Parameter name="profile" value="{&quot;vip&quot;:true}"/>');
    expect(xml).not.toContain('conversationConfiguration');
  });

  it('applies the per-call customizer over channel options', async () => {
    app = await startVoiceApp({
      voice: { welcomeGreeting: 'Channel hello', twiml: { voice: 'A', ttsProvider: 'Google' } },
    });
    const seen: string[] = [];
    app.voice.onInboundCallTwiml(({ from, callSid }) => {
      seen.push(`${callSid}:${from}`);
      return { voice: 'B', customParameters: { vip: 'yes' } };
    });
    const xml = await twiml();
    expect(seen).toEqual([`${form.CallSid}:${CALLER}`]);
    expect(xml).toContain('welcomeGreeting="Channel hello"');
    expect(xml).toContain('voice="B"');
    expect(xml).toContain('ttsProvider="Google"');
    expect(xml).toContain('<Parameter name="vip" value="yes"/>');
  });

  it('falls back to channel options when the customizer throws or returns invalid options', async () => {
    app = await startVoiceApp({ voice: { twiml: { voice: 'A' } } });
    const errors: string[] = [];
    app.tac.onError((_e, ctx) => {
      errors.push(String(ctx.stage));
    });
    app.voice.onInboundCallTwiml(() => {
      throw new Error('crm down');
    });
    expect(await twiml()).toContain('voice="A"');
    app.voice.onInboundCallTwiml(() => ({ interruptSensitivity: 'extreme' }) as never);
    expect(await twiml()).toContain('voice="A"');
    expect(errors).toEqual(['twiml-customizer', 'twiml-customizer']);
  });

  it('welcomeGreeting: null plays no greeting', async () => {
    app = await startVoiceApp({ voice: { welcomeGreeting: null } });
    expect(await twiml()).not.toContain('welcomeGreeting');
  });

  describe('<Connect action> precedence', () => {
    it('Studio handoff URL when a flow SID is configured (over the derived default)', async () => {
      app = await startVoiceApp({
        config: { studioHandoffFlowSid: FLOW_SID, voicePublicDomain: 'agent.example.com' },
      });
      expect(await twiml()).toContain(
        `<Connect action="http://127.0.0.1:9/v1/Accounts/${ACCOUNT_SID}/Flows/${FLOW_SID}?Trigger=incomingCall">`,
      );
    });

    it('channel options over Studio', async () => {
      app = await startVoiceApp({
        config: { studioHandoffFlowSid: FLOW_SID },
        voice: { twiml: { actionUrl: 'https://channel.example.com/after', actionMethod: 'POST' } },
      });
      expect(await twiml()).toContain('<Connect action="https://channel.example.com/after" method="POST">');
    });

    it('customizer over channel options; null suppresses the action', async () => {
      app = await startVoiceApp({ voice: { twiml: { actionUrl: 'https://channel.example.com/after' } } });
      app.voice.onInboundCallTwiml(() => ({ actionUrl: 'https://custom.example.com/after' }));
      expect(await twiml()).toContain('<Connect action="https://custom.example.com/after">');
      app.voice.onInboundCallTwiml(() => ({ actionUrl: null }));
      expect(await twiml()).toContain('<Connect><ConversationRelay');
    });
  });

  it('answers 400 to a TwiML request without CallSid and keeps serving', async () => {
    app = await startVoiceApp();
    const bad = await app.postForm('/twiml', { AccountSid: ACCOUNT_SID });
    expect(bad.status).toBe(400);
    expect(await twiml()).toContain('<ConversationRelay');
  });
});
