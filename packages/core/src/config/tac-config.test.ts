import { describe, expect, it } from 'vitest';
import { TACError } from '../errors/index.ts';
import { TACConfig } from './tac-config.ts';

const env = {
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'token',
  TWILIO_API_KEY: `SK${'b'.repeat(32)}`,
  TWILIO_API_SECRET: 'secret',
  TWILIO_PHONE_NUMBER: '+15550001111',
};

describe('TACConfig.fromEnv', () => {
  it('reads the TWILIO_* variables with defaults', () => {
    const config = TACConfig.fromEnv(env);
    expect(config.accountSid).toBe(env.TWILIO_ACCOUNT_SID);
    expect(config.values.voiceWebsocketPath).toBe('/ws');
    expect(config.memoryConfig.observationsLimit).toBe(20);
    expect(config.isOrchestratorEnabled()).toBe(false);
    expect(config.baseUrl('conversations')).toBe('https://conversations.twilio.com');
  });

  it('names every missing or bad variable in one error', () => {
    let error: unknown;
    try {
      TACConfig.fromEnv({
        ...env,
        TWILIO_ACCOUNT_SID: 'nope',
        TWILIO_API_SECRET: '',
        TWILIO_MEMORY_OBSERVATIONS_LIMIT: 'x',
      });
    } catch (e) {
      error = e;
    }
    expect(TACError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('TWILIO_ACCOUNT_SID');
    expect(message).toContain('TWILIO_API_SECRET: is required');
    expect(message).toContain('TWILIO_MEMORY_OBSERVATIONS_LIMIT');
    expect((error as TACError).code).toBe('TAC_ERR_CONFIG');
  });

  it('says what is wrong with a value that is present, instead of calling it missing', () => {
    const messageOf = (overrides: Record<string, string>) => {
      try {
        TACConfig.fromEnv({ ...env, ...overrides });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    for (const [name, value] of [
      ['TWILIO_MEMORY_OBSERVATIONS_LIMIT', 'lots'],
      ['TWILIO_MEMORY_SUMMARIES_LIMIT', '2.5'],
      ['TWILIO_MEMORY_RELEVANCE_THRESHOLD', 'high'],
    ] as const) {
      const message = messageOf({ [name]: value });
      expect(message).toContain(name);
      expect(message, name).not.toContain('is required');
    }
    expect(messageOf({ TWILIO_API_BASE_URL: 'http://127.0.0.1:8080/twilio' })).toMatch(
      /TWILIO_API_BASE_URL: must be an origin only/,
    );
    expect(messageOf({ TWILIO_VOICE_PUBLIC_DOMAIN: 'agent example.com' })).toContain(
      'TWILIO_VOICE_PUBLIC_DOMAIN: must be a host',
    );
    expect(messageOf({ TWILIO_VOICE_PUBLIC_DOMAIN: 'agent.example.com:8443/tac' })).toBe('no error');
    expect(() => new TACConfig(undefined as never)).toThrow(/configuration: /);
  });

  it('uses regional hosts and lets TWILIO_API_BASE_URL replace every origin', () => {
    expect(TACConfig.fromEnv({ ...env, TWILIO_REGION: 'ie1' }).baseUrl('memory')).toBe(
      'https://memory.ie1.twilio.com',
    );
    const local = TACConfig.fromEnv({
      ...env,
      TWILIO_REGION: 'ie1',
      TWILIO_API_BASE_URL: 'http://127.0.0.1:4010/',
    });
    expect(local.baseUrl('studio')).toBe('http://127.0.0.1:4010');
    expect(local.baseUrl('api')).toBe('http://127.0.0.1:4010');
  });

  it('normalizes the voice public domain and redacts secrets in JSON', () => {
    const config = TACConfig.fromEnv({ ...env, TWILIO_VOICE_PUBLIC_DOMAIN: 'https://example.ngrok.app/' });
    expect(config.values.voicePublicDomain).toBe('example.ngrok.app');
    expect(config.voiceUrl('/ws', 'wss')).toBe('wss://example.ngrok.app/ws');
    expect(JSON.stringify(config)).not.toContain('secret');
  });
});
