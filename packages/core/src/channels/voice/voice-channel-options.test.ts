import { describe, expect, it } from 'vitest';
import { parseVoiceChannelOptions } from './voice-channel-options.ts';

describe('VoiceChannel options', () => {
  it('applies defaults', () => {
    expect(parseVoiceChannelOptions(undefined)).toEqual({
      memoryMode: 'never',
      twiml: {},
      setupTimeoutMs: 10_000,
      conversationLookup: { attempts: 10, initialDelayMs: 250, maxDelayMs: 1500 },
    });
  });

  it('fails at construction with a message naming each bad field', () => {
    expect(() =>
      parseVoiceChannelOptions({
        memoryMode: 'sometimes',
        twiml: { interruptSensitivity: 'extreme', websocketUrl: 'http://nope', languages: [{}] },
      }),
    ).toThrow(expect.objectContaining({ code: 'TAC_ERR_INVALID_ARGUMENT' }));
    let message = '';
    try {
      parseVoiceChannelOptions({
        memoryMode: 'sometimes',
        twiml: { interruptSensitivity: 'extreme', websocketUrl: 'http://nope', languages: [{}] },
      });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const piece of [
      'Invalid VoiceChannel options',
      'at memoryMode',
      'at twiml.interruptSensitivity',
      'must start with wss://',
      'at twiml.websocketUrl',
      'a <Language> needs a code such as en-US',
      'at twiml.languages[0].code',
    ]) {
      expect(message).toContain(piece);
    }
  });
});
