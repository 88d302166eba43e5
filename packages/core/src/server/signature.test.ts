import { getExpectedBodyHash, getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { describe, expect, it } from 'vitest';
import {
  candidateUrls,
  formParams,
  requestOrigin,
  validateFormSignature,
  validateJsonSignature,
  validateWebSocketSignature,
} from './signature.ts';

const TOKEN = '12345';

describe('validateFormSignature', () => {
  it("accepts Twilio's documented test vector", () => {
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    };
    const urls = ['https://mycompany.com/myapp.php?foo=1&bar=2'];
    expect(validateFormSignature(TOKEN, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', urls, params)).toBe(true);
    expect(
      validateFormSignature(TOKEN, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', urls, { ...params, Digits: '9' }),
    ).toBe(false);
    expect(validateFormSignature('other', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', urls, params)).toBe(false);
  });

  it('matches when any candidate URL is the signed one', () => {
    const sig = getExpectedTwilioSignature(TOKEN, 'https://b.example.com/twiml', { A: '1' });
    expect(
      validateFormSignature(TOKEN, sig, ['http://a/twiml', 'https://b.example.com/twiml'], { A: '1' }),
    ).toBe(true);
  });
});

describe('validateJsonSignature (bodySHA256)', () => {
  const body = '{"eventType":"COMMUNICATION_CREATED"}';
  const url = `https://app.example.com/webhook?bodySHA256=${getExpectedBodyHash(body)}`;
  const sig = getExpectedTwilioSignature(TOKEN, url, {});

  it('validates the signed URL and the body hash', () => {
    expect(validateJsonSignature(TOKEN, sig, [url], body)).toBe(true);
    expect(validateJsonSignature(TOKEN, sig, [url], `${body} `)).toBe(false);
  });

  it('fails closed without bodySHA256 or without the raw body', () => {
    const bare = 'https://app.example.com/webhook';
    expect(validateJsonSignature(TOKEN, getExpectedTwilioSignature(TOKEN, bare, {}), [bare], body)).toBe(
      false,
    );
    expect(validateJsonSignature(TOKEN, sig, [url], undefined)).toBe(false);
  });
});

describe('validateWebSocketSignature', () => {
  it('accepts wss://host/path with query params as params (TAC) and the full URL (no params)', () => {
    const full = 'wss://agent.example.com/ws?tenant=acme';
    const tacWay = getExpectedTwilioSignature(TOKEN, 'wss://agent.example.com/ws', { tenant: 'acme' });
    const fullWay = getExpectedTwilioSignature(TOKEN, full, {});
    expect(tacWay).not.toBe(fullWay);
    expect(validateWebSocketSignature(TOKEN, tacWay, [full])).toBe(true);
    expect(validateWebSocketSignature(TOKEN, fullWay, [full])).toBe(true);
    expect(validateWebSocketSignature(TOKEN, tacWay, ['wss://agent.example.com/ws?tenant=evil'])).toBe(false);
    expect(validateWebSocketSignature(TOKEN, tacWay, ['wss://evil.example.com/ws?tenant=acme'])).toBe(false);
  });
});

describe('URL reconstruction', () => {
  const req = (headers: Record<string, string>, url = '/twiml?x=1', encrypted = false) => ({
    url,
    headers,
    encrypted,
  });

  it('uses X-Forwarded-Proto/Host (first value) when trusted', () => {
    const r = req({
      host: '10.0.0.5:8000',
      'x-forwarded-proto': 'https, http',
      'x-forwarded-host': 'a.example.com, b',
    });
    expect(requestOrigin(r)).toEqual({ scheme: 'https', host: 'a.example.com' });
    expect(candidateUrls(r)).toEqual(['https://a.example.com/twiml?x=1', 'http://a.example.com/twiml?x=1']);
    expect(candidateUrls(r, {}, true)).toEqual([
      'wss://a.example.com/twiml?x=1',
      'ws://a.example.com/twiml?x=1',
    ]);
  });

  it('ignores forwarded headers when not trusted and reads TLS from the socket', () => {
    const r = req({ host: 'internal:8443', 'x-forwarded-host': 'spoofed.example.com' }, '/ws', true);
    expect(requestOrigin(r, { trustProxy: false })).toEqual({ scheme: 'https', host: 'internal:8443' });
  });

  it('adds the public domain, with or without a base path the proxy may strip', () => {
    const r = req({ host: 'localhost:8000' }, '/ws');
    expect(candidateUrls(r, { publicDomain: 'voice.example.com/base' }, true)).toContain(
      'wss://voice.example.com/base/ws',
    );
    const unstripped = req({ host: 'localhost:8000' }, '/base/ws');
    expect(candidateUrls(unstripped, { publicDomain: 'voice.example.com/base' }, true)).toContain(
      'wss://voice.example.com/base/ws',
    );
  });

  it('has no candidates without a Host header', () => {
    expect(candidateUrls(req({}))).toEqual([]);
  });

  it('turns parsed form bodies into signature params', () => {
    expect(formParams({ A: '1', B: ['2', '3'], C: 4, D: undefined })).toEqual({
      A: '1',
      B: ['2', '3'],
      C: '4',
    });
    expect(formParams('raw')).toEqual({});
  });
});
