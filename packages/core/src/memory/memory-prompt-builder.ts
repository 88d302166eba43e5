import type { ConversationSession } from '../session/index.ts';
import type { TACMemoryResponse } from './tac-memory-response.ts';

/** Options of {@link MemoryPromptBuilder} (Twilio TAC's `AdapterOptions`). */
export interface MemoryPromptOptions {
  /**
   * Trait groups shown in the "Customer Profile" section: unset (or
   * `undefined`) shows every group; `null` or `[]` omits the section; a list
   * shows only those groups.
   * @defaultValue every trait group of `session.profile.traits`
   */
  profileTraits?: readonly string[] | null;
}

const HEADER = [
  '# Customer Context',
  'You have access to the following information about this customer from previous interactions:',
].join('\n');

function profileSection(
  session: ConversationSession | undefined,
  options: MemoryPromptOptions,
): string | undefined {
  const traits = session?.profile?.traits;
  if (!traits || typeof traits !== 'object') return undefined;
  const filter = options.profileTraits;
  if (filter === null || (Array.isArray(filter) && filter.length === 0)) return undefined;
  const lines: string[] = [];
  for (const [group, value] of Object.entries(traits)) {
    if (filter && !filter.includes(group)) continue;
    if (value === undefined || value === null) continue;
    lines.push(`- ${group}: ${JSON.stringify(value)}`);
  }
  if (lines.length === 0) return undefined;
  return ['## Customer Profile', 'Information about this customer:', ...lines].join('\n');
}

function buildPrompt(
  memory: TACMemoryResponse | null | undefined,
  session: ConversationSession | null | undefined,
  options: MemoryPromptOptions,
): string {
  const sections: string[] = [];
  const profile = profileSection(session ?? undefined, options);
  if (profile) sections.push(profile);
  if (memory) sections.push(...memory.buildMemoryPrompts());
  if (sections.length === 0) return '';
  return [HEADER, ...sections].join('\n\n');
}

/**
 * Turns a customer's memory into system-prompt text, exactly as Twilio's TAC
 * does (reference §1.11): a "Customer Context" header, then "Customer
 * Profile", "Key Observations", "Past Conversation Summaries" and "Recent
 * Message History", each omitted when empty, separated by blank lines.
 *
 * Layout choice: Twilio's Python and TypeScript SDKs differ by one newline
 * after the header; this follows the Python layout (a blank line after the
 * header, like between every other section). Trait values are written with
 * `JSON.stringify`, as in the TypeScript SDK.
 *
 * @example
 * ```ts
 * tac.onMessageReady(async ({ message, memory, session }) => {
 *   const system = MemoryPromptBuilder.compose('You are a helpful agent.', memory, session);
 *   return callMyModel(system, message);
 * });
 * ```
 */
export const MemoryPromptBuilder = Object.freeze({
  /**
   * The memory prompt, or `''` when there is nothing to say (no profile
   * traits, observations, summaries or messages).
   */
  build(
    memory?: TACMemoryResponse | null,
    session?: ConversationSession | null,
    options: MemoryPromptOptions = {},
  ): string {
    return buildPrompt(memory, session, options);
  },

  /**
   * `systemPrompt` followed by a blank line and the memory prompt; whichever
   * exists when the other is empty, `''` when neither does.
   */
  compose(
    systemPrompt: string | null | undefined,
    memory?: TACMemoryResponse | null,
    session?: ConversationSession | null,
    options: MemoryPromptOptions = {},
  ): string {
    const memoryPrompt = buildPrompt(memory, session, options);
    const base = systemPrompt ?? '';
    if (base && memoryPrompt) return `${base}\n\n${memoryPrompt}`;
    return base || memoryPrompt;
  },
});
