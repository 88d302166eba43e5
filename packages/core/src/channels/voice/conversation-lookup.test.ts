import { describe, expect, it } from 'vitest';
import { TACConfig } from '../../config/index.ts';
import { identifyVoiceParticipants, lookupDelays } from './conversation-lookup.ts';

const config = new TACConfig({
  accountSid: 'AC00000000000000000000000000000000',
  authToken: 't',
  apiKey: 'k',
  apiSecret: 's',
  phoneNumber: '+15550001111',
});

describe('conversation lookup', () => {
  it('backs off by doubling from 250 ms, capped at 1.5 s, over 10 tries (about 11 s)', () => {
    const delays = lookupDelays({ attempts: 10, initialDelayMs: 250, maxDelayMs: 1500 });
    expect(delays).toEqual([250, 500, 1000, 1500, 1500, 1500, 1500, 1500, 1500]);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(10_750);
    expect(lookupDelays({ attempts: 1, initialDelayMs: 250, maxDelayMs: 1500 })).toEqual([]);
  });

  it('identifies the customer (profile, VOICE address) and our AI agent participant', () => {
    const found = identifyVoiceParticipants(
      [
        { id: 'p-human', type: 'HUMAN_AGENT', addresses: [{ channel: 'VOICE', address: '+15559990000' }] },
        { id: 'p-agent', type: 'AI_AGENT', addresses: [{ channel: 'VOICE', address: '+15550001111' }] },
        {
          id: 'p-cust',
          type: 'CUSTOMER',
          profileId: 'mem_profile_1',
          addresses: [{ channel: 'VOICE', address: '+15557654321' }],
        },
      ],
      config,
      '+15550000000',
    );
    expect(found).toEqual({
      profileId: 'mem_profile_1',
      customer: { address: '+15557654321', participantId: 'p-cust' },
      agent: { address: '+15550001111', participantId: 'p-agent' },
    });
  });

  it('falls back to the caller address and ignores agents that own another number', () => {
    const found = identifyVoiceParticipants(
      [
        { id: 'p-cust', type: 'CUSTOMER', profileId: null, addresses: [] },
        { id: 'p-other', type: 'AGENT', addresses: [{ channel: 'VOICE', address: '+15552223333' }] },
      ],
      config,
      '+15557654321',
    );
    expect(found).toEqual({
      profileId: undefined,
      customer: { address: '+15557654321', participantId: 'p-cust' },
      agent: undefined,
    });
  });
});
