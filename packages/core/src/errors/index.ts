export type { TACErrorContext, TACErrorOptions, TwilioApiErrorDetails } from './tac-error.ts';
export { isAbortError, TACError, TACErrorCode, TwilioApiError } from './tac-error.ts';
