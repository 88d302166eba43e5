export { type CreateLoggerOptions, createLogger, createSilentLogger, type TACLogger } from './logger.ts';
export { maskAddress, maskEmail, maskPhone, scrubObject, scrubPii } from './redact.ts';
