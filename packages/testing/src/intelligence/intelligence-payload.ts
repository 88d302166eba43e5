/** Output formats of Conversation Intelligence operators (tac-reference §6). */
export type OperatorOutputFormat = 'CLASSIFICATION' | 'EXTRACTION' | 'GENERATION' | 'TEXT' | 'JSON';

/** The operator that produced a result. */
export interface IntelligenceOperator {
  /** `LY…`; TAC only stores results of its summary operator (`TWILIO_TAC_CI_SUMMARY_OPERATOR_SID`). */
  id: string;
  friendlyName: string;
  version: number;
  parameters: Record<string, unknown>;
}

/** One operator result of a Conversation Intelligence webhook, as Twilio sends it (tac-reference §6). */
export interface OperatorResult {
  /** `intelligence_operatorresult_…` */
  id: string;
  operator: IntelligenceOperator;
  outputFormat: OperatorOutputFormat | (string & {});
  /** Depends on `outputFormat`: `{ payload: '<JSON string>' }` for JSON, `{ label }`, `{ entities }`, `{ result, format }`. */
  result: unknown;
  dateCreated: string;
  referenceIds: unknown[];
  executionDetails: {
    trigger: { on: string; timestamp: string };
    communications: { first: string | null; last: string | null };
    channels: string[];
    participants: { id: string; profileId: string | null; type: string }[];
    context: Record<string, unknown>;
  };
}

/**
 * An operator result for `emu.intelligence.deliver()`: any field left out is
 * filled in from the conversation (a top-level merge over the defaults).
 * `summary` is a shorthand, not sent: a JSON result
 * `{ payload: '{"summaries":[{"summary":…}]}' }` of the summary operator.
 */
export type OperatorResultInput = Partial<OperatorResult> & { summary?: string };

/** The body of the Conversation Intelligence webhook (tac-reference §6). */
export interface IntelligencePayload {
  accountId: string;
  conversationId: string;
  memoryStoreId: string;
  intelligenceConfiguration: { id: string; friendlyName: string; version: number; ruleId: string };
  operatorResults: OperatorResult[];
}
