export {
  type CintelPayload,
  CintelPayloadSchema,
  OPERATOR_OUTPUT_FORMATS,
  type OperatorResult,
  OperatorResultSchema,
} from './cintel-payload.ts';
export { extractSummaries } from './extract-summaries.ts';
export {
  type OperatorProcessingResult,
  parseCintelPayload,
  processCintelEvent,
} from './process-cintel-event.ts';
