import { randomUUID } from 'node:crypto';
import { ABORTED, AbortableIterator, raceAbort } from '../async/abortable.ts';
import type { Channel } from '../channels/channel.ts';
import { isAbortError, TACError, TACErrorCode } from '../errors/index.ts';
import { type TACMemoryData, TACMemoryResponse } from '../memory/tac-memory-response.ts';
import type { ConversationSession } from '../session/index.ts';
import type { TAC } from '../tac.ts';
import { apologySuffix } from './apology.ts';
import type { TurnEndReason } from './events.ts';
import type { MessageHandlerResult } from './handlers.ts';

/** One customer turn to run. */
export interface TurnRequest {
  channel: Channel;
  session: ConversationSession;
  /** The customer's message(s) for this turn, in order. */
  messages: readonly string[];
  /** Customer address, or `'user'` on voice. */
  author: string;
  /** Fires on barge-in, a newer message or shutdown (the channel owns it). */
  signal: AbortSignal;
}

/**
 * The handler's answer, normalized for delivery. A `stream` is already guarded:
 * it ends promptly when the signal fires, turns a failure into an apology, and
 * reports `turn-end` when it finishes. Read it to its end or stop it with
 * `return()`: that is also when the turn's timeout timer and its listener on
 * the request's signal are released.
 */
export type TurnOutput =
  | { turnId: string; kind: 'none' }
  | { turnId: string; kind: 'text'; text: string }
  | { turnId: string; kind: 'stream'; stream: AsyncIterable<string> };

function abortReasonOf(channelSignal: AbortSignal, timedOut: boolean): TurnEndReason {
  if (timedOut && !channelSignal.aborted) return 'timeout';
  const reason = channelSignal.reason as { turnEndReason?: TurnEndReason } | undefined;
  return reason?.turnEndReason ?? 'interrupted';
}

/**
 * The signal a turn runs under: the channel's signal, plus `turnTimeoutMs`.
 * One controller, one listener on the channel's signal and one timer, all
 * released when the turn ends. (`AbortSignal.timeout` + `AbortSignal.any`
 * can't be cleared: every turn's pair would stay reachable for the whole
 * timeout, and each listener added to the composite walks its sources.)
 */
interface TurnSignal {
  readonly signal: AbortSignal;
  /** True once `turnTimeoutMs` fired (before the channel's signal did). */
  readonly timedOut: boolean;
  /** The turn is over: clear the timer and unlink from the channel's signal (idempotent). */
  release(): void;
}

function turnSignal(channelSignal: AbortSignal, timeoutMs: number): TurnSignal {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  // The channel's reason is passed on as is: agents read `turnAbortReasonOf(signal)` (e.g. `heard`).
  const onChannelAbort = () => controller.abort(channelSignal.reason);
  const release = () => {
    clearTimeout(timer);
    timer = undefined;
    channelSignal.removeEventListener('abort', onChannelAbort);
  };
  if (channelSignal.aborted) {
    controller.abort(channelSignal.reason);
  } else {
    channelSignal.addEventListener('abort', onChannelAbort, { once: true });
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        release();
        // The reason AbortSignal.timeout gives, so handlers see what they always saw.
        controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      }, timeoutMs);
      // Like AbortSignal.timeout: a pending turn timeout doesn't keep the process alive.
      timer.unref?.();
    }
  }
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    release,
  };
}

/** Memory for this turn per the channel's memoryMode; never throws, never blocks past the memory timeout. */
async function memoryForTurn(
  tac: TAC,
  req: TurnRequest,
  turnId: string,
): Promise<TACMemoryResponse | undefined> {
  const mode = req.channel.memoryMode;
  if (mode === 'never') return undefined;
  const { session } = req;
  const started = performance.now();
  const ref = { conversationId: session.conversationId, channel: req.channel.type, turnId };
  try {
    if (mode === 'once' && session.cachedMemory) {
      const memory = TACMemoryResponse.fromJSON(session.cachedMemory as TACMemoryData);
      tac.events.emit('memory-retrieved', {
        ...ref,
        memory: memory.toJSON(),
        fromCache: true,
        durationMs: 0,
      });
      return memory;
    }
    const query = mode === 'always' ? req.messages.join('\n') : undefined;
    const memory = await tac.retrieveMemory(session, query);
    if (mode === 'once') {
      session.cachedMemory = memory.toJSON();
      // Write only the cache onto the stored copy: this object may predate changes another turn
      // saved meanwhile, and a conversation that ended during the recall must not come back.
      const stored = await tac.sessions.get(session.conversationId);
      if (stored) await tac.sessions.set({ ...stored, cachedMemory: session.cachedMemory });
    }
    tac.events.emit('memory-retrieved', {
      ...ref,
      memory: memory.toJSON(),
      fromCache: false,
      durationMs: performance.now() - started,
    });
    return memory;
  } catch (error) {
    tac.reportError(error, {
      conversationId: session.conversationId,
      channel: req.channel.type,
      stage: 'memory',
    });
    return undefined;
  }
}

/**
 * Run one turn: memory by `memoryMode`, the message handler (or agent), and
 * normalization of its answer. Errors never escape: the customer gets
 * {@link TAC.apologyMessage} and `onError` hears about it.
 */
export async function runTurn(tac: TAC, req: TurnRequest): Promise<TurnOutput> {
  const turnId = randomUUID();
  const started = performance.now();
  const { session, channel } = req;
  const ref = { conversationId: session.conversationId, channel: channel.type, turnId };
  const turn = turnSignal(req.signal, tac.options.turnTimeoutMs);
  const { signal } = turn;
  tac.events.emit('turn-start', { ...ref, messages: req.messages });

  let firstTokenMs: number | undefined;
  // Every way out of the turn passes here exactly once: release the timer and the listener first.
  const end = (reason: TurnEndReason, text: string) => {
    turn.release();
    tac.events.emit('turn-end', { ...ref, reason, text, firstTokenMs, totalMs: performance.now() - started });
  };
  const fail = (error: unknown, stage: string) => {
    const wrapped =
      TACError.isInstance(error) || turn.timedOut
        ? error
        : new TACError(
            TACErrorCode.TURN_FAILED,
            `Message handler failed: ${(error as Error)?.message ?? error}`,
            {
              cause: error,
            },
          );
    tac.reportError(wrapped, { conversationId: session.conversationId, channel: channel.type, stage });
  };
  const timeoutError = () =>
    new TACError(TACErrorCode.TURN_TIMEOUT, `Turn exceeded ${tac.options.turnTimeoutMs} ms`, {
      context: { conversationId: session.conversationId },
    });

  let result: MessageHandlerResult;
  try {
    const memory = await raceAbort(memoryForTurn(tac, req, turnId), signal);
    // A newer prompt or a barge-in may have arrived while memory was loading: don't start the handler.
    if (signal.aborted) throw signal.reason;
    const handler = tac.messageHandler;
    if (!handler) {
      throw new TACError(
        TACErrorCode.NOT_CONFIGURED,
        'No message handler: call tac.onMessageReady(...) or tac.useAgent(...)',
      );
    }
    const context = {
      conversationId: session.conversationId,
      profileId: session.profileId,
      message: req.messages.join('\n'),
      messages: req.messages,
      author: req.author,
      memory,
      session,
      channel: channel.type,
      signal,
      tac,
      turnId,
    };
    // A sync throw becomes a rejection; a handler that ignores the signal can't hold the turn.
    result = await raceAbort(
      Promise.resolve().then(() => handler(context)),
      signal,
    );
  } catch (error) {
    if (req.signal.aborted) {
      end(abortReasonOf(req.signal, turn.timedOut), '');
      return { turnId, kind: 'none' };
    }
    fail(turn.timedOut ? timeoutError() : error, 'turn');
    end(turn.timedOut ? 'timeout' : 'error', tac.apologyMessage);
    return { turnId, kind: 'text', text: tac.apologyMessage };
  }

  if (result === undefined || result === null) {
    end('no-reply', '');
    return { turnId, kind: 'none' };
  }
  if (typeof result === 'string') {
    if (result.trim() === '') {
      tac.logger.warn(
        { conversationId: session.conversationId },
        'message handler returned an empty or blank string; nothing sent',
      );
      end('no-reply', '');
      return { turnId, kind: 'none' };
    }
    firstTokenMs = performance.now() - started;
    tac.events.emit('text-delta', { ...ref, text: result });
    end('completed', result);
    return { turnId, kind: 'text', text: result };
  }
  if (typeof (result as AsyncIterable<string>)[Symbol.asyncIterator] !== 'function') {
    fail(
      new TACError(
        TACErrorCode.TURN_FAILED,
        'Message handler must return a string, an AsyncIterable<string>, or nothing',
      ),
      'turn',
    );
    end('error', tac.apologyMessage);
    return { turnId, kind: 'text', text: tac.apologyMessage };
  }

  const source = result as AsyncIterable<string>;
  async function* guarded(): AsyncGenerator<string> {
    let it: AsyncIterator<string> | undefined;
    let tokens: AbortableIterator<string> | undefined;
    let text = '';
    let reason: TurnEndReason = 'completed';
    try {
      // Inside the try: an iterable that throws when asked for its iterator gets the apology too.
      it = source[Symbol.asyncIterator]();
      // One abort listener for the whole stream, not one per token.
      tokens = new AbortableIterator(it, signal);
      while (true) {
        const r = await tokens.next();
        if (r === ABORTED) {
          reason = abortReasonOf(req.signal, turn.timedOut);
          if (reason === 'timeout') {
            fail(timeoutError(), 'turn');
            const apology = apologySuffix(text, tac.apologyMessage);
            text += apology;
            yield apology;
          }
          break;
        }
        if (r.done) break;
        if (typeof r.value !== 'string' || r.value === '') continue;
        if (firstTokenMs === undefined) firstTokenMs = performance.now() - started;
        text += r.value;
        tac.events.emit('text-delta', { ...ref, text: r.value });
        yield r.value;
      }
    } catch (error) {
      if (req.signal.aborted || (isAbortError(error, signal) && !turn.timedOut)) {
        reason = abortReasonOf(req.signal, turn.timedOut);
      } else {
        reason = turn.timedOut ? 'timeout' : 'error';
        fail(turn.timedOut ? timeoutError() : error, 'turn');
        // The customer always hears something: finish the sentence with an apology.
        const apology = apologySuffix(text, tac.apologyMessage);
        text += apology;
        yield apology;
      }
    } finally {
      tokens?.dispose();
      try {
        // Stop the producer without waiting on it (it may ignore the signal).
        Promise.resolve(it?.return?.()).catch(() => {});
      } catch {
        // A producer that throws while being stopped changes nothing: the turn is over.
      }
      end(reason, text);
    }
  }
  return { turnId, kind: 'stream', stream: guarded() };
}
