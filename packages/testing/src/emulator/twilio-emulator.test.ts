import net from 'node:net';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { startHoldingApp } from '../__fixtures__/holding-app.ts';
import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';
import { TwilioEmulator } from './twilio-emulator.ts';

describe('TwilioEmulator', () => {
  it('starts on 127.0.0.1 with a random port and an env an app can use as-is', async () => {
    await using emu = await TwilioEmulator.start();
    expect(emu.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const env = emu.env;
    expect(env).toMatchObject({
      TWILIO_ACCOUNT_SID: expect.stringMatching(/^AC[0-9a-f]{32}$/),
      TWILIO_API_KEY: expect.stringMatching(/^SK[0-9a-f]{32}$/),
      TWILIO_PHONE_NUMBER: '+15550100001',
      TWILIO_WHATSAPP_NUMBER: 'whatsapp:+15550100001',
      TWILIO_RCS_SENDER_ID: expect.stringMatching(/^rcs:.+$/),
      TWILIO_CONVERSATION_CONFIGURATION_ID: expect.stringMatching(/^conv_configuration_[0-9a-z]{26}$/),
      TWILIO_STUDIO_HANDOFF_FLOW_SID: expect.stringMatching(/^FW[0-9a-f]{32}$/),
      TWILIO_API_BASE_URL: emu.baseUrl,
    });
    expect(env['TWILIO_AUTH_TOKEN']).toBeTruthy();
    expect(env['TWILIO_API_SECRET']).toBeTruthy();
    expect(env['TWILIO_VOICE_PUBLIC_DOMAIN']).toBeUndefined();
    emu.setApp({ url: 'http://127.0.0.1:8000/' });
    expect(emu.env['TWILIO_VOICE_PUBLIC_DOMAIN']).toBe('127.0.0.1:8000');
    expect(emu.orchestrator.configuration.statusCallbacks).toEqual([
      { url: 'http://127.0.0.1:8000/webhook', method: 'POST' },
    ]);
  });

  it('takes fixed credentials and runs relay-only without a configuration', async () => {
    const emu = await TwilioEmulator.start({
      orchestrated: false,
      accountSid: `AC${'a'.repeat(32)}`,
      authToken: 'token',
      apiKey: 'SKkey',
      apiSecret: 'secret',
    });
    try {
      expect(emu.env['TWILIO_CONVERSATION_CONFIGURATION_ID']).toBeUndefined();
      expect(emu.env['TWILIO_ACCOUNT_SID']).toBe(`AC${'a'.repeat(32)}`);
      emu.setApp({ url: 'http://127.0.0.1:9' });
      await expect(emu.customer({ channel: 'sms' }).send('hi')).rejects.toMatchObject({
        code: EmulatorErrorCode.UNSUPPORTED,
      });
    } finally {
      await emu.stop();
      await emu.stop();
    }
  });

  it('fails at start with an actionable message for bad options', async () => {
    await expect(TwilioEmulator.start({ accountSid: 'nope', phoneNumber: '555' })).rejects.toThrow(
      /accountSid must be AC followed by 32 hex characters[\s\S]*phoneNumber must be E\.164/,
    );
    await expect(
      TwilioEmulator.start({ webhookRetry: { attempts: 0, timeoutMs: 1, backoffMs: 0 } }),
    ).rejects.toBeInstanceOf(EmulatorError);
  });

  it('asks for setApp before delivering to an app', async () => {
    await using emu = await TwilioEmulator.start();
    await expect(emu.customer({ channel: 'sms' }).send('hi')).rejects.toThrow(/setApp/);
    await expect(emu.call()).rejects.toThrow(/setApp/);
    expect(() => emu.setApp({ url: 'ftp://x' })).toThrow(/http\(s\) URL/);
  });

  it('returns the same customer for the same address, and rejects unknown channels', async () => {
    await using emu = await TwilioEmulator.start();
    const a = emu.customer({ channel: 'sms', address: '+15550000001' });
    expect(emu.customer({ channel: 'sms', address: '+15550000001' })).toBe(a);
    expect(() => emu.customer({ channel: 'fax' as never })).toThrow(/sms, whatsapp, rcs or chat/);
  });

  it('rejects waiting nextReply() calls when stopped', async () => {
    const emu = await TwilioEmulator.start();
    const waiting = emu.customer({ channel: 'sms' }).nextReply({ timeoutMs: 10_000 });
    await emu.stop();
    await expect(waiting).rejects.toMatchObject({ code: EmulatorErrorCode.STOPPED });
  });

  it('rejects customer messages and calls made after stop with STOPPED, and sends nothing', async () => {
    const emu = await TwilioEmulator.start({ app: { url: 'http://127.0.0.1:9' } });
    const alice = emu.customer({ channel: 'sms' });
    await emu.stop();
    await expect(alice.send('hi')).rejects.toMatchObject({ code: EmulatorErrorCode.STOPPED });
    await expect(emu.call()).rejects.toMatchObject({ code: EmulatorErrorCode.STOPPED });
    expect(emu.webhooks).toEqual([]);
    expect(emu.orchestrator.conversations()).toEqual([]);
  });

  it('rejects a customer message whose webhook the stop cut short with STOPPED', async () => {
    const app = await startHoldingApp(['webhook']);
    const emu = await TwilioEmulator.start({ app: { url: app.url } });
    try {
      const sent = emu.customer({ channel: 'sms' }).send('hi');
      const webhook = await app.nextHeld();
      await emu.stop();
      webhook.release();
      await expect(sent).rejects.toMatchObject({ code: EmulatorErrorCode.STOPPED });
    } finally {
      await emu.stop();
      await app.close();
    }
  });

  it('refuses WebSocket upgrades and closes their connection, so stop() leaves nothing open', async () => {
    const emu = await TwilioEmulator.start();
    const { hostname, port } = new URL(emu.baseUrl);
    const socket = net.connect(Number(port), hostname);
    let received = '';
    socket.on('data', (d) => {
      received += String(d);
    });
    socket.write(
      'GET /v2/Conversations HTTP/1.1\r\nHost: x\r\n' +
        `Authorization: Basic ${Buffer.from(`${emu.apiKey}:${emu.apiSecret}`).toString('base64')}\r\n` +
        'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        'Sec-WebSocket-Version: 13\r\n\r\n',
    );
    try {
      await emu.waitFor(() => received.includes('\r\n\r\n'), { description: 'an answer to the upgrade' });
      expect(received).toMatch(/^HTTP\/1\.1 404 /);
      expect(received).toMatch(/\r\nConnection: close\r\n/i);
      expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toMatchObject({
        status: 404,
        code: 20404,
      });
      await emu.stop();
      await emu.waitFor(() => socket.destroyed, { timeoutMs: 1000, description: 'the connection to close' });
    } finally {
      socket.destroy();
      await emu.stop();
    }
  });

  it('times out nextReply() and waitFor() with what was awaited', async () => {
    await using emu = await TwilioEmulator.start();
    const bob = emu.customer({ channel: 'sms', address: '+15550000002' });
    await expect(bob.nextReply({ timeoutMs: 20 })).rejects.toThrow(/a reply to SMS \+15550000002/);
    await expect(emu.waitFor(() => false, { timeoutMs: 20, description: 'nothing' })).rejects.toThrow(
      /nothing/,
    );
  });

  it('is reachable with the twilio package signature helpers (sanity of the auth token)', async () => {
    await using emu = await TwilioEmulator.start({ authToken: '12345' });
    const signature = twilio.getExpectedTwilioSignature(
      emu.authToken,
      'https://mycompany.com/myapp.php?foo=1&bar=2',
      {
        CallSid: 'CA1234567890ABCDE',
        Caller: '+12349013030',
        Digits: '1234',
        From: '+12349013030',
        To: '+18005551212',
      },
    );
    expect(signature).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });
});
