import { z } from 'zod';

/** Output formats of Conversation Intelligence operators (reference §6). */
export const OPERATOR_OUTPUT_FORMATS = [
  'CLASSIFICATION',
  'EXTRACTION',
  'GENERATION',
  'TEXT',
  'JSON',
] as const;

const ParticipantSchema = z.looseObject({
  id: z.string().optional(),
  profileId: z.string().nullish(),
  type: z.string().optional(),
});

/** One operator result of a Conversation Intelligence webhook. */
export const OperatorResultSchema = z.looseObject({
  id: z.string().optional(),
  operator: z.looseObject({
    id: z.string().min(1),
    friendlyName: z.string().optional(),
    version: z.number().optional(),
  }),
  outputFormat: z.string().min(1),
  result: z.unknown().optional(),
  dateCreated: z.string().optional(),
  referenceIds: z.array(z.unknown()).optional(),
  executionDetails: z
    .looseObject({
      participants: z.array(ParticipantSchema).optional(),
      channels: z.array(z.string()).optional(),
    })
    .optional(),
});

/** A parsed operator result. */
export type OperatorResult = z.output<typeof OperatorResultSchema>;

/** The body of a `POST /ci-webhook` (reference §6). Unknown fields pass through. */
export const CintelPayloadSchema = z.looseObject({
  accountId: z.string().optional(),
  conversationId: z.string().min(1),
  memoryStoreId: z.string().nullish(),
  intelligenceConfiguration: z.looseObject({
    id: z.string().min(1),
    friendlyName: z.string().optional(),
    version: z.number().optional(),
    ruleId: z.string().optional(),
  }),
  operatorResults: z.array(OperatorResultSchema),
});

/** A parsed Conversation Intelligence webhook. */
export type CintelPayload = z.output<typeof CintelPayloadSchema>;
