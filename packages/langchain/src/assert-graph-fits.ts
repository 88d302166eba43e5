import { TACError, TACErrorCode, type TACTool } from '@tac/core';
import { tacToolNameOf } from './to-langchain-tools.ts';

/** What a `createAgent` graph (LangChain's `ReactAgent`) exposes of how it was built. */
interface GraphOptionsLike {
  tools?: unknown;
  checkpointer?: unknown;
}

function graphOptionsOf(runnable: unknown): GraphOptionsLike | undefined {
  // Runnables (models, chains, compiled StateGraphs) are LangChain serializables; a ReactAgent is not.
  if (typeof runnable !== 'object' || runnable === null || 'lc_namespace' in runnable) return undefined;
  const options = (runnable as { options?: unknown }).options;
  if (typeof options !== 'object' || options === null) return undefined;
  const o = options as GraphOptionsLike & { model?: unknown };
  // A createAgent graph keeps its build options (model, tools, …); other runnables don't.
  return o.model !== undefined && (o.tools === undefined || Array.isArray(o.tools)) ? o : undefined;
}

function fail(message: string, context: Record<string, unknown> = {}): never {
  throw new TACError(TACErrorCode.INVALID_ARGUMENT, `createRunnableAgent(graph): ${message}`, { context });
}

/**
 * For a `createAgent` graph, check at start-up what would otherwise only show
 * at the first customer: every TAC tool given to the adapter is in the graph
 * as a tool made by `toLangChainTools` (so it runs with the turn's session,
 * signal and history), every such tool in the graph was given to the adapter
 * (so core checks it at registration and binds it per turn), and the graph has
 * no checkpointer (TAC keeps the conversation's history and passes it every
 * turn; a checkpointer would need a `thread_id` and double the history).
 * Other runnables pass unchecked.
 */
export function assertGraphFits(runnable: unknown, tools: readonly TACTool[]): void {
  const options = graphOptionsOf(runnable);
  if (!options) return;
  if (options.checkpointer) {
    fail(
      'build the graph without a checkpointer: TAC keeps each conversation’s history and passes it ' +
        'with every turn (a checkpointer would need a thread_id and repeat that history).',
    );
  }
  const graphTools = Array.isArray(options.tools) ? (options.tools as unknown[]) : [];
  const byName = new Map<string, unknown>();
  for (const t of graphTools) {
    const name = (t as { name?: unknown } | null)?.name;
    if (typeof name === 'string') byName.set(name, t);
  }
  const given = new Set(tools.map((t) => t.name));
  for (const tool of tools) {
    const inGraph = byName.get(tool.name);
    if (inGraph === undefined || tacToolNameOf(inGraph) !== tool.name) {
      fail(
        `the graph has no tool "${tool.name}" made by toLangChainTools. Build it with ` +
          'createAgent({ model, tools: toLangChainTools(tools) }) and pass the same tools to ' +
          'createRunnableAgent(graph, { tools }).',
        { tool: tool.name },
      );
    }
  }
  for (const t of graphTools) {
    const name = tacToolNameOf(t);
    if (name !== undefined && !given.has(name)) {
      fail(
        `the graph's tool "${name}" comes from toLangChainTools but is missing from ` +
          'createRunnableAgent(graph, { tools }); pass the same TAC tools to both.',
        { tool: name },
      );
    }
  }
}
