import { MemoryClient } from '../../memory/memory-client.ts';
import type { TAC } from '../../tac.ts';

/**
 * The Memory profile of a phone number: Lookup first, then (when `create`)
 * create one with the configured phone trait (`Contact.phone` by default).
 * Resolves undefined without a Memory store. Throws REST errors to the caller.
 * Bounded by `tac.options.memoryTimeoutMs` (one budget for both calls), because
 * it runs before the customer's first reply and Memory must never block a turn.
 */
export async function lookupOrCreatePhoneProfile(
  tac: TAC,
  phone: string,
  options: { create: boolean },
): Promise<string | undefined> {
  const memory = MemoryClient.fromTAC(tac);
  if (!memory) return undefined;
  const budget = { signal: AbortSignal.timeout(tac.options.memoryTimeoutMs) };
  const [found] = await memory.lookupProfile('phone', phone, budget);
  if (found || !options.create) return found;
  const { phoneTraitGroup, phoneTraitField } = tac.config.memoryConfig;
  return memory.createProfile({ [phoneTraitGroup]: { [phoneTraitField]: phone } }, budget);
}
