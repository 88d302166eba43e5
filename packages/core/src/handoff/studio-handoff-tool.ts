import { z } from 'zod';
import { TACError, TACErrorCode } from '../errors/index.ts';
import type { TAC } from '../tac.ts';
import { BuiltInTools } from '../tools/built-in/built-in-tools.ts';
import { NamingOptionsSchema, parseToolOptions } from '../tools/built-in/tool-options.ts';
import { createTool } from '../tools/define-tool.ts';
import type { TACTool } from '../tools/types.ts';
import { type HandoffResult, initiateHandoff } from './initiate-handoff.ts';

/** Options of {@link createStudioHandoffTool}. */
export interface StudioHandoffToolOptions {
  /** Static attributes passed to the flow in `HandoffData.attributes` (the model's `reason` is added). */
  attributes?: Record<string, unknown>;
  /** @defaultValue `handoff` */
  name?: string;
  /**
   * @defaultValue "Hand off the conversation to a human agent. Use this when the customer requests a
   * human, or when you cannot adequately handle the request."
   */
  description?: string;
}

/** Arguments the model sends. */
export interface StudioHandoffInput {
  reason: string;
}

const OptionsSchema = NamingOptionsSchema.extend({
  attributes: z.record(z.string(), z.unknown()).optional(),
});

const Parameters = z.object({
  reason: z.string().min(1).describe('The reason for handing off to a human agent'),
});

const DESCRIPTION =
  'Hand off the conversation to a human agent. Use this when the customer requests a human, ' +
  'or when you cannot adequately handle the request.';

function assertFlowConfigured(tac: TAC): void {
  if (tac.config.values.studioHandoffFlowSid) return;
  throw new TACError(
    TACErrorCode.CONFIG,
    'Invalid TAC configuration:\n  - TWILIO_STUDIO_HANDOFF_FLOW_SID: is required by the handoff tool ' +
      '(the Studio flow that routes the customer to a human agent)',
    { context: { variables: ['TWILIO_STUDIO_HANDOFF_FLOW_SID'] } },
  );
}

/**
 * The `handoff(reason)` tool: hands the conversation to a human through a
 * Studio flow (see `initiateHandoff`). On messaging channels it starts a
 * Studio execution with `HandoffData`; on voice the `end` frame carries it
 * after the final reply, and ConversationRelay posts it to the Studio voice
 * URL. The conversation is set `INACTIVE` and its status callbacks cleared.
 *
 * Defined once: nothing about a conversation is captured here. `tac.useAgent`
 * refuses an agent carrying it when `TWILIO_STUDIO_HANDOFF_FLOW_SID` is not
 * set, so the mistake shows at start-up, not when a customer asks for a human.
 *
 * @example
 * ```ts
 * const handoff = createStudioHandoffTool({ attributes: { department: 'support' } });
 * tac.useAgent(createAiSdkAgent({ model, instructions, tools: [handoff] }));
 * ```
 */
export function createStudioHandoffTool(
  options: StudioHandoffToolOptions = {},
): TACTool<StudioHandoffInput, HandoffResult> {
  const parsed = parseToolOptions('createStudioHandoffTool', OptionsSchema, options);
  return createTool<StudioHandoffInput, HandoffResult>({
    name: parsed.name ?? BuiltInTools.HANDOFF,
    description: parsed.description ?? DESCRIPTION,
    parameters: Parameters,
    assertUsable: assertFlowConfigured,
    execute: ({ reason }, { tac, session, signal }) =>
      initiateHandoff(tac, session, { reason, attributes: parsed.attributes, signal }),
  });
}
