import { randomUUID } from 'node:crypto';
import { ABORTED, nextOrAbort, raceAbort } from '../async/abortable.ts';
import type { Channel } from '../channels/channel.ts';
import { isAbortError, TACError, TACErrorCode } from '../errors/index.ts';
import { type TACMemoryData, TACMemoryResponse } from '../memory/tac-memory-response.ts';
import type { ConversationSession } from '../session/index.ts';
import type { TAC } from '../tac.ts';
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
 * reports `turn-end` when it finishes.
 */
export type TurnOutput =
  | { turnId: string; kind: 'none' }
  | { turnId: string; kind: 'text'; text: string }
  | { turnId: string; kind: 'stream'; stream: AsyncIterable<string> };

function abortReasonOf(channelSignal: AbortSignal, timeoutSignal: AbortSignal | undefined): TurnEndReason {
  if (timeoutSignal?.aborted && !channelSignal.aborted) return 'timeout';
  const reason = channelSignal.reason as { turnEndReason?: TurnEndReason } | undefined;
  return reason?.turnEndReason ?? 'interrupted';
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
  const timeoutSignal =
    tac.options.turnTimeoutMs > 0 ? AbortSignal.timeout(tac.options.turnTimeoutMs) : undefined;
  const signal = timeoutSignal ? AbortSignal.any([req.signal, timeoutSignal]) : req.signal;
  tac.events.emit('turn-start', { ...ref, messages: req.messages });

  let firstTokenMs: number | undefined;
  const end = (reason: TurnEndReason, text: string) =>
    tac.events.emit('turn-end', { ...ref, reason, text, firstTokenMs, totalMs: performance.now() - started });
  const fail = (error: unknown, stage: string) => {
    const wrapped =
      TACError.isInstance(error) || timeoutSignal?.aborted
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
      end(abortReasonOf(req.signal, timeoutSignal), '');
      return { turnId, kind: 'none' };
    }
    fail(timeoutSignal?.aborted ? timeoutError() : error, 'turn');
    end(timeoutSignal?.aborted ? 'timeout' : 'error', tac.apologyMessage);
    return { turnId, kind: 'text', text: tac.apologyMessage };
  }

  if (result === undefined || result === null) {
    end('no-reply', '');
    return { turnId, kind: 'none' };
  }
  if (typeof result === 'string') {
    if (result === '') {
      tac.logger.warn(
        { conversationId: session.conversationId },
        'message handler returned an empty string; nothing sent',
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
    const it = source[Symbol.asyncIterator]();
    let text = '';
    let reason: TurnEndReason = 'completed';
    try {
      while (true) {
        const r = await nextOrAbort(it, signal);
        if (r === ABORTED) {
          reason = abortReasonOf(req.signal, timeoutSignal);
          if (reason === 'timeout') {
            fail(timeoutError(), 'turn');
            const apology = text ? ` ${tac.apologyMessage}` : tac.apologyMessage;
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
      if (req.signal.aborted || (isAbortError(error, signal) && !timeoutSignal?.aborted)) {
        reason = abortReasonOf(req.signal, timeoutSignal);
      } else {
        reason = timeoutSignal?.aborted ? 'timeout' : 'error';
        fail(timeoutSignal?.aborted ? timeoutError() : error, 'turn');
        // The customer always hears something: finish the sentence with an apology.
        const apology = text ? ` ${tac.apologyMessage}` : tac.apologyMessage;
        text += apology;
        yield apology;
      }
    } finally {
      // Stop the producer without waiting on it (it may ignore the signal).
      Promise.resolve(it.return?.()).catch(() => {});
      end(reason, text);
    }
  }
  return { turnId, kind: 'stream', stream: guarded() };
}
