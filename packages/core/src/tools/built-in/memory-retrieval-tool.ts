import { z } from 'zod';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import { MemoryClient } from '../../memory/memory-client.ts';
import { resolveProfileId } from '../../memory/resolve-profile.ts';
import type { ObservationInfo, SummaryInfo, TACCommunication } from '../../memory/tac-memory-response.ts';
import type { TAC } from '../../tac.ts';
import { createTool } from '../define-tool.ts';
import type { TACTool } from '../types.ts';
import { BuiltInTools } from './built-in-tools.ts';
import { NamingOptionsSchema, parseToolOptions } from './tool-options.ts';

/** Options of {@link createMemoryRetrievalTool}. */
export interface MemoryRetrievalToolOptions {
  /** @defaultValue `retrieve_profile_memory` */
  name?: string;
  /** @defaultValue "Retrieve user memories including observations, summaries, and conversation history" */
  description?: string;
}

const Parameters = z.object({
  query: z.string().min(1).max(1024).optional().describe("What to look for in the customer's memory"),
  beginDate: z.string().optional().describe('Only memories from this date on (ISO-8601)'),
  endDate: z.string().optional().describe('Only memories up to this date (ISO-8601)'),
  observationsLimit: z.number().int().min(0).max(100).optional().describe('Maximum observations to return'),
  summariesLimit: z
    .number()
    .int()
    .min(0)
    .max(100)
    .optional()
    .describe('Maximum conversation summaries to return'),
  communicationsLimit: z
    .number()
    .int()
    .min(0)
    .max(100)
    .optional()
    .describe('Maximum past messages to return'),
  relevanceThreshold: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Minimum relevance (0-1) of returned memories'),
});

/** Arguments the model may send (all optional). */
export type MemoryRetrievalInput = z.output<typeof Parameters>;

/** What the model gets back. */
export interface MemoryRetrievalOutput {
  observations: ObservationInfo[];
  summaries: SummaryInfo[];
  communications: TACCommunication[];
}

const DESCRIPTION = 'Retrieve user memories including observations, summaries, and conversation history';

function requireMemory(tac: TAC): MemoryClient {
  const client = MemoryClient.fromTAC(tac);
  if (!client) {
    throw new TACError(
      TACErrorCode.CONFIG,
      'Invalid TAC configuration:\n  - TWILIO_CONVERSATION_CONFIGURATION_ID: the memory retrieval tool needs a ' +
        'Conversation Configuration with a Memory store (memoryStoreId)',
      { context: { variables: ['TWILIO_CONVERSATION_CONFIGURATION_ID'] } },
    );
  }
  return client;
}

/**
 * The `retrieve_profile_memory` tool: Conversation Memory Recall for the
 * customer of the conversation that calls it (the session's profile, or a
 * Lookup by the customer's phone or email). Unset limits use the configured
 * ones (`TWILIO_MEMORY_*`). Needs orchestrated mode with a Memory store;
 * `tac.useAgent` refuses it otherwise.
 *
 * @example
 * ```ts
 * tac.useAgent(createAiSdkAgent({ model, instructions, tools: [createMemoryRetrievalTool()] }));
 * ```
 */
export function createMemoryRetrievalTool(
  options: MemoryRetrievalToolOptions = {},
): TACTool<MemoryRetrievalInput, MemoryRetrievalOutput> {
  const parsed = parseToolOptions('createMemoryRetrievalTool', NamingOptionsSchema, options);
  return createTool<MemoryRetrievalInput, MemoryRetrievalOutput>({
    name: parsed.name ?? BuiltInTools.RETRIEVE_MEMORY,
    description: parsed.description ?? DESCRIPTION,
    parameters: Parameters,
    assertUsable: (tac) => {
      requireMemory(tac);
    },
    execute: async (input, { tac, session, signal }) => {
      const client = requireMemory(tac);
      const known = session.profileId;
      const profileId = await resolveProfileId(client, session, { signal });
      if (profileId !== known) {
        if (await tac.sessions.get(session.conversationId)) await tac.sessions.set(session);
      }
      const config = tac.config.memoryConfig;
      const memory = await client.recall(
        profileId,
        {
          conversationId: session.conversationId,
          query: input.query,
          beginDate: input.beginDate,
          endDate: input.endDate,
          observationsLimit: input.observationsLimit ?? config.observationsLimit,
          summariesLimit: input.summariesLimit ?? config.summariesLimit,
          communicationsLimit: input.communicationsLimit ?? config.communicationsLimit,
          relevanceThreshold: input.relevanceThreshold ?? config.relevanceThreshold,
        },
        { signal },
      );
      return {
        observations: memory.observations,
        summaries: memory.summaries,
        communications: memory.communications,
      };
    },
  });
}
