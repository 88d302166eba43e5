import { z } from 'zod';
import { TACError, TACErrorCode } from '../errors/index.ts';
import type { MemoryPromptOptions } from '../memory/memory-prompt-builder.ts';
import { DEFAULT_MAX_TOOL_OUTPUT_CHARS } from '../tools/tool-output.ts';
import type { TACAgent } from './types.ts';

/** Bounds and fallbacks for {@link TAC.useAgent}. */
export interface UseAgentOptions {
  /**
   * Maximum model→tool→model rounds in one turn. Adapters stop their loop
   * there; core refuses tool calls beyond it as a backstop.
   * @defaultValue 5
   */
  maxToolRounds: number;
  /**
   * Longest tool output given to the model and kept in history, in characters
   * of its text (JSON for non-strings). A longer one is cut there and ends
   * with `…[truncated N characters]`: history sends it again on every later
   * turn. The same in every adapter.
   * @defaultValue 20000
   */
  maxToolOutputChars: number;
  /**
   * How many times the agent is tried again when it fails before its first
   * token and before any tool ran (a retry then is invisible to the customer
   * and can't repeat a side effect). Never after the first token.
   * @defaultValue 1
   */
  retries: number;
  /** Another agent (say, a different model) tried once when the agent and its retries failed before the first token. */
  fallback?: TACAgent;
  /**
   * Said when the agent finished without any text (voice would otherwise wait
   * in silence).
   * @defaultValue "Sorry, I don't have an answer for that. Could you put it another way?"
   */
  emptyReplyMessage: string;
  /**
   * Said instead of {@link UseAgentOptions.emptyReplyMessage} when the agent
   * handed the conversation off (a handoff is pending) without saying anything.
   * @defaultValue "Let me connect you with someone who can help."
   */
  handoffReplyMessage: string;
  /** Options of the memory prompt composed into the instructions (which profile traits to show). */
  memoryPrompt?: MemoryPromptOptions;
}

/** True for an object shaped like a {@link TACAgent}. */
export function isTACAgent(value: unknown): value is TACAgent {
  const v = value as Partial<TACAgent> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.stream === 'function' &&
    typeof v.name === 'string' &&
    Array.isArray(v.tools)
  );
}

const schema = z.strictObject({
  maxToolRounds: z.number().int().min(0).max(100).default(5),
  maxToolOutputChars: z.number().int().min(100).default(DEFAULT_MAX_TOOL_OUTPUT_CHARS),
  retries: z.number().int().min(0).max(5).default(1),
  fallback: z
    .custom<TACAgent>(isTACAgent, {
      message: 'expected an agent from createAiSdkAgent, wrapOpenAIAgent or createRunnableAgent',
    })
    .optional(),
  emptyReplyMessage: z
    .string()
    .min(1)
    .default("Sorry, I don't have an answer for that. Could you put it another way?"),
  handoffReplyMessage: z.string().min(1).default('Let me connect you with someone who can help.'),
  memoryPrompt: z.object({ profileTraits: z.array(z.string()).nullable().optional() }).optional(),
});

/** Validate {@link UseAgentOptions} and fill in defaults; throws an actionable `TAC_ERR_INVALID_ARGUMENT`. */
export function parseUseAgentOptions(options: Partial<UseAgentOptions> = {}): UseAgentOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : '(options)'}: ${i.message}`)
      .join('; ');
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      `tac.useAgent(agent, options): invalid options: ${problems}`,
      {
        context: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
      },
    );
  }
  return parsed.data as UseAgentOptions;
}
