import type { EmulatedCall } from '@tac/testing';

type AppFrame = Parameters<Parameters<EmulatedCall['waitForFrame']>[0]>[0];

/** How long one registration lives before it is renewed (bounds the timer left after a call ends). */
const RENEW_MS = 15_000;

/**
 * Call `listener` with every frame the app sends on `call` from now on, as it
 * arrives (the page shows voice tokens while they stream).
 *
 * The emulator's call offers `nextReply()` (whole replies) and
 * `waitForFrame(test)`, but no per-frame event. `waitForFrame` runs `test` on
 * each incoming frame, so a test that never matches observes every frame; the
 * registration is renewed when it times out. Frames seen before this call are
 * skipped. Returns the function that stops watching.
 */
export function watchCallFrames(call: EmulatedCall, listener: (frame: AppFrame) => void): () => void {
  let stopped = false;
  const arm = (): void => {
    if (stopped || !call.connected) return;
    // waitForFrame first runs `test` over frames already received: skip those.
    let replaying = true;
    const pending = call.waitForFrame(
      (frame) => {
        if (!replaying && !stopped) listener(frame);
        return false;
      },
      { timeoutMs: RENEW_MS },
    );
    replaying = false;
    // Only a timeout ends a registration (the test never matches): renew it.
    pending.catch(arm);
  };
  arm();
  return () => {
    stopped = true;
  };
}
