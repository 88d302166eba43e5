import { EmulatorError, EmulatorErrorCode } from './emulator-error.ts';
import { sleep } from './time.ts';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** @defaultValue 5000 */
  timeoutMs?: number;
  /** How often the condition is checked. @defaultValue 10 */
  intervalMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/**
 * Poll `condition` until it returns a truthy value (which is returned), or
 * throw `EMU_ERR_TIMEOUT`. Exceptions thrown by the condition count as "not yet".
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new EmulatorError(
        EmulatorErrorCode.TIMEOUT,
        `Timed out after ${timeoutMs} ms waiting for ${options.description ?? 'a condition'}`,
        { cause: lastError, context: { timeoutMs } },
      );
    }
    await sleep(options.intervalMs ?? 10);
  }
}
