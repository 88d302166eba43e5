export {
  type DeliverIntelligenceOptions,
  DeliverIntelligenceOptionsSchema,
  IntelligenceControls,
  type IntelligenceResponse,
} from './intelligence-controls.ts';
export type {
  IntelligenceOperator,
  IntelligencePayload,
  OperatorOutputFormat,
  OperatorResult,
  OperatorResultInput,
} from './intelligence-payload.ts';
