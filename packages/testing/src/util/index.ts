export { AsyncQueue } from './async-queue.ts';
export { EmulatorError, EmulatorErrorCode } from './emulator-error.ts';
export { newId, randomHex, randomPhone, sid, ulid } from './ids.ts';
export { callListener, Listeners } from './listeners.ts';
export { isoNow, rfc2822, sleep } from './time.ts';
export { type WaitForOptions, waitFor } from './wait-for.ts';
