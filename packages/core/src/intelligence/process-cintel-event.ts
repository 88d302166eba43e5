import { createHash } from 'node:crypto';
import { TACError, TACErrorCode } from '../errors/index.ts';
import { MemoryClient } from '../memory/memory-client.ts';
import type { TAC } from '../tac.ts';
import { type CintelPayload, CintelPayloadSchema } from './cintel-payload.ts';
import { extractSummaries } from './extract-summaries.ts';
import { storedSummariesOf } from './stored-summaries.ts';

/** Outcome of processing a Conversation Intelligence webhook (reference §6); the `/ci-webhook` answer body. */
export interface OperatorProcessingResult {
  /** False when a summary could not be stored. */
  success: boolean;
  /** `summary` when every processed result was a summary, `mixed` when other operators' results were skipped too, null when nothing was processed. */
  eventType: 'summary' | 'mixed' | null;
  /** True when nothing was stored on purpose (another configuration, no summary operator, no customer profile). */
  skipped: boolean;
  skipReason?: string;
  /** What failed, without PII. */
  error?: string;
  /** Summaries created (one per summary and customer profile). */
  createdCount: number;
}

const SOURCE = 'conversation-intelligence';

function skip(reason: string): OperatorProcessingResult {
  return { success: true, eventType: null, skipped: true, skipReason: reason, createdCount: 0 };
}

/** Validate a `/ci-webhook` body, or throw `TAC_ERR_WEBHOOK_INVALID` (answer 400) naming the bad fields. */
export function parseCintelPayload(payload: unknown): CintelPayload {
  const result = CintelPayloadSchema.safeParse(payload);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new TACError(
    TACErrorCode.WEBHOOK_INVALID,
    `Not a Conversation Intelligence operator-results payload: ${issues.join('; ')}`,
    { context: { issues } },
  );
}

/**
 * Turn Conversation Intelligence operator results into Memory conversation
 * summaries (reference §6): results of another intelligence configuration are
 * skipped; of the rest only the summary operator's
 * (`TWILIO_TAC_CI_SUMMARY_OPERATOR_SID`) are used; each summary is stored for
 * every `CUSTOMER` participant with a Memory profile, with
 * `source: 'conversation-intelligence'` and `occurredAt` = the result's date.
 *
 * Throws `TAC_ERR_NOT_CONFIGURED` when CI is not configured
 * (`TWILIO_TAC_CI_CONFIGURATION_ID`) and `TAC_ERR_WEBHOOK_INVALID` for a
 * malformed payload — both answer 400. A Memory failure is returned as
 * `success: false` (and reported through `onError`), not thrown.
 */
export async function processCintelEvent(tac: TAC, payload: unknown): Promise<OperatorProcessingResult> {
  const configurationId = tac.config.values.cintelConfigurationId;
  if (!configurationId) {
    throw new TACError(
      TACErrorCode.NOT_CONFIGURED,
      'Conversation Intelligence is not enabled: set TWILIO_TAC_CI_CONFIGURATION_ID (and TWILIO_TAC_CI_SUMMARY_OPERATOR_SID)',
      { context: { variables: ['TWILIO_TAC_CI_CONFIGURATION_ID'] } },
    );
  }
  const event = parseCintelPayload(payload);
  const { conversationId } = event;
  if (event.intelligenceConfiguration.id !== configurationId) {
    return skip(`intelligence configuration ${event.intelligenceConfiguration.id} is not ${configurationId}`);
  }
  const summaryOperator = tac.config.values.cintelSummaryOperatorSid;
  if (!summaryOperator) return skip('no summary operator configured (TWILIO_TAC_CI_SUMMARY_OPERATOR_SID)');

  const storeId = event.memoryStoreId ?? tac.memoryStoreId;
  if (!storeId) return skip('no Memory store (neither in the payload nor in the Orchestrator configuration)');
  const memory = new MemoryClient(tac.http, storeId);

  let processed = 0;
  let otherOperators = 0;
  let createdCount = 0;
  let duplicates = 0;
  const stored = storedSummariesOf(tac);
  const errors: string[] = [];
  for (const result of event.operatorResults) {
    if (result.operator.id !== summaryOperator) {
      otherOperators++;
      continue;
    }
    processed++;
    const summaries = extractSummaries(result);
    const occurredAt = result.dateCreated ?? new Date().toISOString();
    const profiles = new Set(
      (result.executionDetails?.participants ?? [])
        .filter((p) => p.type === 'CUSTOMER' && typeof p.profileId === 'string' && p.profileId !== '')
        .map((p) => p.profileId as string),
    );
    if (summaries.length === 0 || profiles.size === 0) continue;
    // Same result, same profile, same text: a redelivery (with or without the result's id).
    const content = createHash('sha256').update(summaries.join('\n')).digest('base64url');
    for (const profileId of profiles) {
      const key = `${conversationId}|${result.id ?? ''}|${profileId}|${content}`;
      try {
        const wrote = await stored.once(key, () =>
          memory.createSummaries(
            profileId,
            summaries.map((text) => ({ content: text, conversationId, occurredAt, source: SOURCE })),
          ),
        );
        if (wrote) createdCount += summaries.length;
        else duplicates++;
      } catch (error) {
        const message = `could not store ${summaries.length} summaries: ${(error as Error).message}`;
        errors.push(message);
        tac.reportError(error, { conversationId, stage: 'cintel', operatorResultId: result.id });
      }
    }
  }

  if (processed === 0) {
    return skip(
      otherOperators > 0
        ? `no result of the summary operator (${otherOperators} other operator results ignored)`
        : 'no operator results',
    );
  }
  const eventType = otherOperators > 0 ? 'mixed' : 'summary';
  if (errors.length > 0) {
    return { success: false, eventType, skipped: false, error: errors.join('; '), createdCount };
  }
  if (createdCount === 0) {
    return {
      success: true,
      eventType,
      skipped: true,
      skipReason:
        duplicates > 0
          ? 'already stored (a redelivery of results processed before)'
          : 'no summary text or no CUSTOMER participant with a Memory profile',
      createdCount,
    };
  }
  return { success: true, eventType, skipped: false, createdCount };
}
