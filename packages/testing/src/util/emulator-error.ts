/** Stable codes of {@link EmulatorError}. */
export const EmulatorErrorCode = {
  /** Options given to the emulator (or one of its helpers) are invalid. */
  INVALID_OPTIONS: 'EMU_ERR_INVALID_OPTIONS',
  /** Something awaited (a reply, a webhook, a condition) did not happen in time. */
  TIMEOUT: 'EMU_ERR_TIMEOUT',
  /** The app is not reachable or answered in a way Twilio would reject. */
  APP: 'EMU_ERR_APP',
  /** A call or WebSocket is not (or no longer) connected. */
  NOT_CONNECTED: 'EMU_ERR_NOT_CONNECTED',
  /** The test asked for something Twilio would not do (e.g. DTMF without `dtmfDetection`). */
  UNSUPPORTED: 'EMU_ERR_UNSUPPORTED',
  /** The emulator was stopped while this was pending. */
  STOPPED: 'EMU_ERR_STOPPED',
} as const;

/** One of {@link EmulatorErrorCode}. */
export type EmulatorErrorCode = (typeof EmulatorErrorCode)[keyof typeof EmulatorErrorCode];

/**
 * The one error type `@tac/testing` throws at test code. The emulator imitates
 * Twilio independently of `@tac/core`, so it has its own (small) error base.
 */
export class EmulatorError extends Error {
  readonly code: EmulatorErrorCode;
  readonly context: Record<string, unknown>;

  constructor(
    code: EmulatorErrorCode,
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EmulatorError';
    this.code = code;
    this.context = options.context ?? {};
  }
}
