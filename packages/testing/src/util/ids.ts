import { randomBytes } from 'node:crypto';

// Crockford base32, lowercase: what Twilio's newer ids (conv_*, mem_*, know_*) are made of.
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A lowercase ULID (26 characters: 10 of time, 16 random), the body of
 * Twilio's `conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2`-style ids. Its first
 * character is 0-7, as `mem_store_[0-7][0-9a-z]{25}` requires.
 */
export function ulid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (const b of bytes) rand += CROCKFORD[b % 32];
  return time + rand;
}

/** `n` random lowercase hex characters. */
export function randomHex(n: number): string {
  return randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
}

/** A classic Twilio SID: two-letter prefix + 32 hex characters (`CA…`, `SM…`, `FN…`). */
export function sid(prefix: string): string {
  return `${prefix}${randomHex(32)}`;
}

/** Id makers for every resource the emulator creates, shaped like Twilio's. */
export const newId = {
  configuration: () => `conv_configuration_${ulid()}`,
  conversation: () => `conv_conversation_${ulid()}`,
  participant: () => `conv_participant_${ulid()}`,
  communication: () => `conv_communication_${ulid()}`,
  action: () => `conv_action_${ulid()}`,
  memoryStore: () => `mem_store_${ulid()}`,
  profile: () => `mem_profile_${ulid()}`,
  observation: () => `mem_observation_${ulid()}`,
  summary: () => `mem_summary_${ulid()}`,
  knowledgeBase: () => `know_knowledgebase_${ulid()}`,
  knowledge: () => `know_knowledge_${ulid()}`,
  call: () => sid('CA'),
  session: () => sid('VX'),
  message: () => sid('SM'),
  execution: () => sid('FN'),
  flow: () => sid('FW'),
  application: () => sid('AP'),
  chatChannel: () => sid('CH'),
  chatService: () => sid('IS'),
} as const;

/** A random US number in the 555 range (never a real subscriber). */
export function randomPhone(): string {
  const digits = Math.floor(Math.random() * 10_000_000)
    .toString()
    .padStart(7, '0');
  return `+1555${digits}`;
}
