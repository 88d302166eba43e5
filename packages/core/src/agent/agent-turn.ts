import { MemoryPromptBuilder } from '../memory/memory-prompt-builder.ts';
import type { TAC } from '../tac.ts';
import type { MessageReadyContext } from '../turn/handlers.ts';
import type { HistoryItem } from '../turn/history.ts';
import { persistMetadataChanges, snapshotMetadata } from './session-metadata.ts';
import { TextQueue } from './text-queue.ts';
import { ToolRecorder } from './tool-recorder.ts';
import { historyForTurn } from './turn-history.ts';
import type { AgentTurnInput, TACAgent } from './types.ts';
import { untilAborted } from './until-aborted.ts';
import type { UseAgentOptions } from './use-agent-options.ts';

/** One running agent turn: the text for the channel, and completion of its bookkeeping. */
export interface AgentTurnHandle {
  /** Text deltas for the channel; throws the agent's error (the turn runner turns it into the apology). */
  stream: AsyncIterable<string>;
  /** Resolves once history is written (never rejects). */
  finished: Promise<void>;
}

/** Everything {@link runAgentTurn} needs. */
export interface AgentTurnParams {
  tac: TAC;
  agent: TACAgent;
  options: UseAgentOptions;
  context: MessageReadyContext;
  history: readonly HistoryItem[];
  turnId: string;
}

/**
 * Backstop for a tool still running when the turn ends: `invokeTool` already
 * returns a cancelled result as soon as the turn's signal fires, so this only
 * bounds pathological cases before the record is closed.
 */
const TOOL_SETTLE_MS = 1_000;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Run one agent turn on its own task. Deltas go to the returned stream as they
 * come; history is written when the agent is done or aborted, whether or not
 * the channel read the stream to its end.
 *
 * Failures before the first token (and before any tool ran) are tried again
 * (`retries`), then with `fallback`; after the first token never, because the
 * customer already heard part of the answer: the error goes to the stream and
 * the turn runner finishes with the apology.
 */
export function runAgentTurn(params: AgentTurnParams): AgentTurnHandle {
  const { tac, agent, options, context: ctx, history, turnId } = params;
  const { signal, session } = ctx;
  const queue = new TextQueue();
  const recorder = new ToolRecorder({
    tac,
    session,
    channel: ctx.channel,
    signal,
    turnId,
    maxToolRounds: options.maxToolRounds,
    maxToolOutputChars: options.maxToolOutputChars,
  });
  const log = { conversationId: session.conversationId, channel: ctx.channel, turnId };
  // Adapters keep per-conversation state in session.metadata; written back once, when the turn ends.
  const metadataBefore = snapshotMetadata(session);

  const inputFor = (candidate: TACAgent): AgentTurnInput => {
    const compose = (base: string) =>
      MemoryPromptBuilder.compose(base, ctx.memory, session, options.memoryPrompt);
    return {
      instructions: compose(candidate.instructions ?? ''),
      composeInstructions: compose,
      history,
      message: ctx.message,
      tools: recorder.bind(candidate.tools),
      signal,
      session,
      channel: ctx.channel,
      maxToolRounds: options.maxToolRounds,
      turnId,
    };
  };

  async function drive(): Promise<void> {
    const attempts: TACAgent[] = [
      ...Array.from({ length: 1 + options.retries }, () => agent),
      ...(options.fallback ? [options.fallback] : []),
    ];
    let produced = '';
    let failure: { error: unknown } | undefined;
    for (const [i, candidate] of attempts.entries()) {
      if (signal.aborted) break;
      failure = undefined;
      try {
        for await (const delta of untilAborted(candidate.stream(inputFor(candidate)), signal)) {
          if (typeof delta !== 'string' || delta === '') continue;
          produced += delta;
          queue.push(delta);
        }
        break;
      } catch (error) {
        // LangChain throws the abort reason; an abort is a normal end of the turn.
        if (signal.aborted) break;
        failure = { error };
        const next = attempts[i + 1];
        if (produced !== '' || recorder.started > 0 || !next) break;
        tac.logger.warn(
          { ...log, agent: candidate.name, next: next.name, err: errorMessage(error) },
          next === candidate
            ? 'agent failed before its first token; trying again'
            : 'agent failed before its first token; using the fallback agent',
        );
      }
    }

    if (failure) {
      queue.fail(failure.error);
    } else {
      if (!signal.aborted && produced === '') {
        // Silence hangs a voice call: say something.
        // Voice keeps the handoff pending until the reply is out; messaging marks it started.
        const handedOff = session.pendingHandoffData || session.metadata['handoffInitiatedAt'];
        produced = handedOff ? options.handoffReplyMessage : options.emptyReplyMessage;
        tac.logger.warn(
          { ...log, agent: agent.name },
          'agent produced no text; sent the empty-reply message',
        );
        queue.push(produced);
      }
      queue.end();
    }

    await recorder.settle(TOOL_SETTLE_MS);
    const items = historyForTurn({
      messages: ctx.messages.length > 0 ? ctx.messages : [ctx.message],
      channel: ctx.channel,
      tools: recorder.items,
      produced,
      failed: failure !== undefined,
      signal,
      apology: tac.apologyMessage,
    });
    try {
      // A conversation that ended meanwhile (hang-up) must not get its history back.
      if (items.length > 0 && (await tac.sessions.get(session.conversationId))) {
        await tac.sessions.appendHistory(session.conversationId, items, tac.options.maxHistoryItems);
      }
    } catch (error) {
      // A failed history write loses this turn's record, not the adapter's state for the next turn.
      tac.reportError(error, { ...log, stage: 'agent-history' });
    }
    if (await persistMetadataChanges(tac, session, metadataBefore)) {
      tac.logger.debug(log, 'session metadata written back');
    }
  }

  const finished = drive().catch((error) => {
    queue.fail(error);
    tac.reportError(error, { ...log, stage: 'agent-history' });
  });
  return { stream: queue, finished };
}
