import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { scrubObject, scrubPii } from './redact.ts';

/** The logger type used across TAC (pino's, so fastify can share it). */
export type TACLogger = Logger;

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /** pino level. @defaultValue `process.env.TWILIO_LOG_LEVEL ?? 'info'` */
  level?: string;
  /** Extra pino options (merged; PII hooks are always installed). */
  pino?: LoggerOptions;
  /** Where lines go. @defaultValue stdout */
  destination?: DestinationStream;
}

/**
 * A pino logger that masks phone numbers and emails in every message and
 * field, and redacts secrets, before anything is written.
 */
export function createLogger(options: CreateLoggerOptions = {}): TACLogger {
  const level = (options.level ?? process.env.TWILIO_LOG_LEVEL ?? 'info').toLowerCase();
  return pino(
    {
      name: 'tac',
      ...options.pino,
      level,
      hooks: {
        // Scrub at the source: message strings and every object argument.
        logMethod(args, method) {
          const scrubbed = args.map((a) =>
            typeof a === 'string' ? scrubPii(a) : scrubObject(a),
          ) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination ?? pino.destination(1),
  );
}

/** A logger that writes nothing (tests, benchmarks). */
export function createSilentLogger(): TACLogger {
  return pino({ level: 'silent' });
}
