import type { TwilioEmulator } from '@tac/testing';
import type { CustomerCard } from '../server/live-protocol.ts';
import { DEMO_CUSTOMER, DEMO_KNOWLEDGE } from './demo-data.ts';

/** Knowledge base metadata the emulator advertises (the search tool reads its description). */
export const DEMO_KNOWLEDGE_BASE = {
  displayName: 'cedar-help-center',
  description:
    'Cedar & Co. help center: stores, hours, returns, shipping, orders, warranty, loyalty and rentals.',
} as const;

/**
 * Seed the emulator with the demo customer (a Memory profile with traits,
 * observations and summaries) and the knowledge base. Returns the customer
 * as the side panel shows it.
 */
export function seedDemo(emulator: TwilioEmulator): CustomerCard {
  const profileId = emulator.memory.seedProfile({
    phone: DEMO_CUSTOMER.phone,
    email: DEMO_CUSTOMER.email,
    traits: structuredClone(DEMO_CUSTOMER.traits) as Record<string, Record<string, unknown>>,
    observations: [...DEMO_CUSTOMER.observations],
    summaries: [...DEMO_CUSTOMER.summaries],
  });
  emulator.knowledge.seed(DEMO_KNOWLEDGE);
  return {
    profileId,
    phone: DEMO_CUSTOMER.phone,
    email: DEMO_CUSTOMER.email,
    traits: structuredClone(DEMO_CUSTOMER.traits) as Record<string, Record<string, unknown>>,
    observations: DEMO_CUSTOMER.observations,
    summaries: DEMO_CUSTOMER.summaries,
  };
}
