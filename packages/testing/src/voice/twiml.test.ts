import { describe, expect, it } from 'vitest';
import { parseTwiml } from './twiml.ts';
import { parseXml } from './xml.ts';

describe('parseXml', () => {
  it('parses prolog, comments, CDATA, both quote styles and entities', () => {
    const root = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?><!-- hi --><Response><Say voice='alice'>Tom &amp; Jerry &#x27;s</Say><Play><![CDATA[a<b]]></Play></Response>`,
    );
    expect(root.name).toBe('Response');
    expect(root.children.map((c) => c.name)).toEqual(['Say', 'Play']);
    expect(root.children[0]?.attributes).toEqual({ voice: 'alice' });
    expect(root.children[0]?.text).toBe("Tom & Jerry 's");
    expect(root.children[1]?.text).toBe('a<b');
  });

  it('rejects malformed documents', () => {
    expect(() => parseXml('<Response><Say></Response>')).toThrow(/does not close/);
    expect(() => parseXml('<Response>')).toThrow(/not closed/);
    expect(() => parseXml('')).toThrow(/no root/);
    expect(() => parseXml('<A/><B/>')).toThrow(/more than one root/);
  });
});

describe('parseTwiml', () => {
  it("reads twilio@6's exact serializer output (the reference's sample)", () => {
    const parsed = parseTwiml(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect action="https://example.com/cr-action"><ConversationRelay url="wss://example.com/ws?x=1&amp;y=2" welcomeGreeting="Hi &amp; welcome &lt;there>" dtmfDetection="true" interruptible="speech" reportInputDuringAgentSpeech="any" preemptible="true" speechTimeout="800" conversationConfiguration="conv_configuration_x"><Language code="es-MX" ttsProvider="Google" voice="es-US-Neural2-A"/><Parameter name="foo" value="bar"/></ConversationRelay></Connect></Response>',
    );
    expect(parsed.conversationRelay).toMatchObject({
      action: 'https://example.com/cr-action',
      method: 'POST',
      url: 'wss://example.com/ws?x=1&y=2',
      welcomeGreeting: 'Hi & welcome <there>',
      conversationConfiguration: 'conv_configuration_x',
      dtmfDetection: true,
      interruptible: 'speech',
      transcriptionLanguage: 'en-US',
      languages: [{ code: 'es-MX', ttsProvider: 'Google', voice: 'es-US-Neural2-A' }],
      parameters: { foo: 'bar' },
    });
    expect(parsed.conversationRelay?.attributes['speechTimeout']).toBe('800');
  });

  it('maps interruptible booleans, reads languages and verbs after <Connect>', () => {
    const parsed = parseTwiml(
      '<Response><Connect><ConversationRelay url="wss://a/ws" interruptible="false" language="sv-SE"/></Connect><Say>bye</Say><Hangup/></Response>',
    );
    expect(parsed.conversationRelay?.interruptible).toBe('none');
    expect(parsed.conversationRelay?.transcriptionLanguage).toBe('sv-SE');
    expect(parsed.conversationRelay?.action).toBeUndefined();
    expect(parsed.afterConnect).toEqual(['Say', 'Hangup']);
  });

  it('finds no relay in other TwiML and rejects non-TwiML', () => {
    expect(parseTwiml('<Response><Dial>+15550000000</Dial></Response>').conversationRelay).toBeUndefined();
    expect(() => parseTwiml('<html></html>')).toThrow(/not <Response>/);
    expect(() => parseTwiml('<Response><Connect><ConversationRelay/></Connect></Response>')).toThrow(/url/);
    expect(() =>
      parseTwiml(
        '<Response><Connect><ConversationRelay url="wss://a" interruptible="maybe"/></Connect></Response>',
      ),
    ).toThrow(/interruptible/);
  });
});
