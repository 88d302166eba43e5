import { randomUUID } from 'node:crypto';
import { TACError, TACErrorCode } from '../errors/index.ts';
import type { TAC } from '../tac.ts';
import type { MessageReadyHandler } from '../turn/handlers.ts';
import { runAgentTurn } from './agent-turn.ts';
import { ConversationQueue } from './conversation-queue.ts';
import { isTACTool } from './is-tac-tool.ts';
import { refreshMetadata } from './session-metadata.ts';
import { trimToHeard } from './turn-history.ts';
import type { TACAgent } from './types.ts';
import { isTACAgent, parseUseAgentOptions, type UseAgentOptions } from './use-agent-options.ts';

export type { UseAgentOptions } from './use-agent-options.ts';

function assertAgent(tac: TAC, agent: unknown, label: string): asserts agent is TACAgent {
  if (!isTACAgent(agent)) {
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      `tac.useAgent: ${label} is not an agent. Build one with createAiSdkAgent (@tac/ai-sdk), ` +
        'wrapOpenAIAgent (@tac/openai-agents) or createRunnableAgent (@tac/langchain), ' +
        'or pass an object with { name, tools, stream(input) }.',
    );
  }
  const seen = new Set<string>();
  for (const [i, tool] of agent.tools.entries()) {
    if (!isTACTool(tool)) {
      throw new TACError(
        TACErrorCode.INVALID_ARGUMENT,
        `tac.useAgent: ${label} "${agent.name}" tool #${i + 1} is not a TAC tool. ` +
          'Define tools with defineTool() (or use a built-in such as createStudioHandoffTool()).',
      );
    }
    if (seen.has(tool.name)) {
      throw new TACError(
        TACErrorCode.INVALID_ARGUMENT,
        `tac.useAgent: ${label} "${agent.name}" has two tools named "${tool.name}"; tool names must be unique.`,
        { context: { tool: tool.name } },
      );
    }
    seen.add(tool.name);
    // Fail at start-up, not at the first customer (e.g. handoff without a Studio flow SID).
    tool.assertUsable?.(tac);
    // Best-effort warm-up (e.g. the knowledge tool reads its knowledge base's description).
    tool
      .prepare?.(tac)
      .catch((error: unknown) =>
        tac.logger.warn({ tool: tool.name, err: error }, 'tool warm-up failed; the tool still works'),
      );
  }
}

/** Per-TAC agent state, shared by successive `useAgent` calls. */
const queues = new WeakMap<TAC, ConversationQueue>();

function queueOf(tac: TAC): ConversationQueue {
  let queue = queues.get(tac);
  if (queue) return queue;
  queue = new ConversationQueue();
  queues.set(tac, queue);
  const q = queue;
  // A barge-in after the reply was fully streamed (TTS still speaking): cut the
  // recorded reply to what the caller heard. Synchronous listener, so the trim
  // takes its place in line before the caller's next turn can start.
  tac.events.on('interrupt-received', ({ conversationId, utteranceUntilInterrupt }) => {
    q.run(conversationId, async () => {
      const store = tac.sessions;
      if (!store.setHistory || !(await store.get(conversationId))) return;
      const trimmed = trimToHeard(await store.getHistory(conversationId), utteranceUntilInterrupt);
      if (trimmed) await store.setHistory(conversationId, trimmed);
    }).catch((error) => tac.reportError(error, { conversationId, stage: 'agent-history' }));
  });
  return q;
}

/**
 * Install `agent` as the message handler of `tac` (what {@link TAC.useAgent}
 * does). Each turn: wait for the conversation's previous turn to finish its
 * history, load history (and the session metadata that turn wrote), compose
 * instructions with memory, bind tools to the turn, and stream the agent's
 * text; history, and any change to `session.metadata`, are written back
 * through the session store when the turn ends (see {@link historyForTurn}
 * for what a barge-in or failure leaves). A
 * barge-in after the reply was sent trims the recorded reply to what the
 * caller heard.
 *
 * Fails fast (`TAC_ERR_INVALID_ARGUMENT`, or a tool's own check) on bad options,
 * duplicate tool names, or tools that can't work with this configuration.
 */
export function useAgent(tac: TAC, agent: TACAgent, options: Partial<UseAgentOptions> = {}): void {
  const resolved = parseUseAgentOptions(options);
  assertAgent(tac, agent, 'agent');
  if (resolved.fallback) assertAgent(tac, resolved.fallback, 'options.fallback');
  const queue = queueOf(tac);

  const handler: MessageReadyHandler = async (ctx) => {
    const id = ctx.conversationId;
    const release = await queue.enter(id);
    try {
      await refreshMetadata(tac, ctx.session);
      const history = await tac.sessions.getHistory(id);
      const turnId = ctx.turnId ?? randomUUID();
      tac.logger.debug(
        { conversationId: id, channel: ctx.channel, turnId, agent: agent.name, historyItems: history.length },
        'agent turn',
      );
      const turn = runAgentTurn({ tac, agent, options: resolved, context: ctx, history, turnId });
      turn.finished.then(release);
      return turn.stream;
    } catch (error) {
      release();
      throw error;
    }
  };
  tac.onMessageReady(handler);
  tac.logger.info(
    { agent: agent.name, tools: agent.tools.map((t) => t.name), fallback: resolved.fallback?.name },
    'agent installed',
  );
}
