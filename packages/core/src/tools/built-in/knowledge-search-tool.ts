import { z } from 'zod';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import { type KnowledgeBase, type KnowledgeChunk, KnowledgeClient } from '../../knowledge/index.ts';
import type { TAC } from '../../tac.ts';
import { createTool } from '../define-tool.ts';
import type { TACTool } from '../types.ts';
import { BuiltInTools } from './built-in-tools.ts';
import { NamingOptionsSchema, parseToolOptions } from './tool-options.ts';

/** Options of {@link createKnowledgeSearchTool}. */
export interface KnowledgeSearchToolOptions {
  /** @defaultValue `TWILIO_KNOWLEDGE_BASE_ID` (read when the tool runs) */
  knowledgeBaseId?: string;
  /**
   * Tool name the model sees.
   * @defaultValue `search_knowledge`; with {@link createKnowledgeSearchToolAsync}, `search_<knowledge base name>`
   */
  name?: string;
  /** @defaultValue the knowledge base's description, else "Search the {displayName} knowledge base" */
  description?: string;
  /** Chunks returned per search (1–20). @defaultValue 5 */
  topK?: number;
}

/** Arguments the model sends. */
export interface KnowledgeSearchInput {
  query: string;
}

const OptionsSchema = NamingOptionsSchema.extend({
  knowledgeBaseId: z.string().trim().min(1, 'must not be empty').optional(),
  topK: z.number().int('must be an integer').min(1).max(20).default(5),
});

const Parameters = z.object({
  query: z.string().min(1).max(2048).describe('The search query to find relevant knowledge'),
});

/** Used until the knowledge base's own description is known. */
const FALLBACK_DESCRIPTION =
  "Search the knowledge base for information that answers the customer's question. The input must be a question.";

function knowledgeBaseIdFor(tac: TAC, configured: string | undefined): string {
  const id = configured ?? tac.config.values.knowledgeBaseId;
  if (!id) {
    throw new TACError(
      TACErrorCode.CONFIG,
      'Invalid TAC configuration:\n  - TWILIO_KNOWLEDGE_BASE_ID: is required by the knowledge search tool ' +
        '(or pass createKnowledgeSearchTool({ knowledgeBaseId }))',
      { context: { variables: ['TWILIO_KNOWLEDGE_BASE_ID'] } },
    );
  }
  return id;
}

function describeKnowledgeBase(kb: KnowledgeBase): string {
  if (kb.description?.trim()) return kb.description.trim();
  return `Search the ${kb.displayName ?? kb.id} knowledge base`;
}

/** `search_<display name>` with the characters models reject replaced, as Twilio's TAC names it. */
export function knowledgeToolName(displayName: string | undefined): string {
  const slug = (displayName ?? '')
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
    .replace(/[^a-z0-9_]/g, '')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  return slug ? `search_${slug}`.slice(0, 64) : BuiltInTools.SEARCH_KNOWLEDGE;
}

function buildTool(
  options: z.output<typeof OptionsSchema>,
  initial: { name: string; description?: string },
): TACTool<KnowledgeSearchInput, KnowledgeChunk[]> {
  let description = initial.description ?? FALLBACK_DESCRIPTION;
  let metadata: Promise<void> | undefined;

  // Reads the knowledge base's description once; a failure keeps the fallback (the tool still works) and is retried later.
  const prepare = (tac: TAC): Promise<void> => {
    const knowledgeBaseId = options.knowledgeBaseId ?? tac.config.values.knowledgeBaseId;
    if (initial.description || !knowledgeBaseId) return Promise.resolve();
    metadata ??= KnowledgeClient.fromTAC(tac)
      .getKnowledgeBase(knowledgeBaseId, { timeoutMs: 10_000 })
      .then(
        (kb) => {
          description = describeKnowledgeBase(kb);
        },
        (error: unknown) => {
          metadata = undefined;
          tac.logger.warn(
            { err: error },
            'could not read the knowledge base description; using a generic one',
          );
        },
      );
    return metadata;
  };

  return createTool<KnowledgeSearchInput, KnowledgeChunk[]>({
    name: initial.name,
    description: () => description,
    parameters: Parameters,
    assertUsable: (tac) => {
      knowledgeBaseIdFor(tac, options.knowledgeBaseId);
    },
    prepare,
    execute: async ({ query }, { tac, signal }) => {
      const knowledgeBaseId = knowledgeBaseIdFor(tac, options.knowledgeBaseId);
      // Later turns get the knowledge base's own description even if nobody called prepare().
      void prepare(tac);
      return KnowledgeClient.fromTAC(tac).search(knowledgeBaseId, { query, top: options.topK }, { signal });
    },
  });
}

/**
 * The Enterprise Knowledge search tool: `query` in, the best chunks
 * (`{ content, knowledgeId, score, createdAt }`, best first) out. Defined once,
 * it searches `knowledgeBaseId` (default `TWILIO_KNOWLEDGE_BASE_ID`) for
 * whichever conversation calls it.
 *
 * Created synchronously, its name is `search_knowledge` unless given; its
 * description, when not given, becomes the knowledge base's own as soon as
 * `await tool.prepare?.(tac)` (at start-up) or a first search has read it. For
 * Twilio TAC's name from the knowledge base (`search_<name>`), use
 * {@link createKnowledgeSearchToolAsync}.
 *
 * @example
 * ```ts
 * const search = createKnowledgeSearchTool({ topK: 3 });
 * tac.useAgent(createAiSdkAgent({ model, instructions, tools: [search] }));
 * ```
 */
export function createKnowledgeSearchTool(
  options: KnowledgeSearchToolOptions = {},
): TACTool<KnowledgeSearchInput, KnowledgeChunk[]> {
  const parsed = parseToolOptions('createKnowledgeSearchTool', OptionsSchema, options);
  return buildTool(parsed, {
    name: parsed.name ?? BuiltInTools.SEARCH_KNOWLEDGE,
    description: parsed.description,
  });
}

/**
 * Like {@link createKnowledgeSearchTool}, but reads the knowledge base first
 * (when `name` or `description` is not given) so the tool is named
 * `search_<knowledge base name>` and described by the knowledge base, as in
 * Twilio's TAC. Fails with the REST error when the knowledge base can't be read.
 *
 * @example
 * ```ts
 * const search = await createKnowledgeSearchToolAsync(tac, { knowledgeBaseId: 'know_knowledgebase_…' });
 * search.name; // e.g. 'search_acme_help_center'
 * ```
 */
export async function createKnowledgeSearchToolAsync(
  tac: TAC,
  options: KnowledgeSearchToolOptions = {},
): Promise<TACTool<KnowledgeSearchInput, KnowledgeChunk[]>> {
  const parsed = parseToolOptions('createKnowledgeSearchToolAsync', OptionsSchema, options);
  if (parsed.name && parsed.description)
    return buildTool(parsed, { name: parsed.name, description: parsed.description });
  const kb = await KnowledgeClient.fromTAC(tac).getKnowledgeBase(
    knowledgeBaseIdFor(tac, parsed.knowledgeBaseId),
    {
      timeoutMs: 10_000,
    },
  );
  return buildTool(parsed, {
    name: parsed.name ?? knowledgeToolName(kb.displayName),
    description: parsed.description ?? describeKnowledgeBase(kb),
  });
}
