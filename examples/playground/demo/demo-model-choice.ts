import type { LanguageModelV4 } from '@ai-sdk/provider';
import { createOfflineDemoModel } from './demo-model.ts';

/** How the playground's agent thinks: the offline demo model, OpenAI, or the developer's own agent. */
export interface PlaygroundMode {
  kind: 'offline' | 'openai' | 'custom';
  /** Short label for the page's badge and the start-up banner. */
  label: string;
  /** One sentence on what this means and how to switch. */
  description: string;
}

/** The demo agent's model and the mode it puts the playground in. */
export interface DemoModelChoice {
  model: LanguageModelV4;
  mode: PlaygroundMode;
}

/** The OpenAI model used when `OPENAI_MODEL` is unset. */
export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';

/**
 * Pick the demo agent's model from the environment: OpenAI (`OPENAI_MODEL`,
 * default `gpt-4o-mini`) when `OPENAI_API_KEY` is set, otherwise the offline
 * demo model. `@ai-sdk/openai` is loaded only when it is used.
 */
export async function chooseDemoModel(
  env: Record<string, string | undefined>,
  options: { tokenDelayMs?: number } = {},
): Promise<DemoModelChoice> {
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (!apiKey) {
    return {
      model: createOfflineDemoModel(
        options.tokenDelayMs === undefined ? {} : { tokenDelayMs: options.tokenDelayMs },
      ),
      mode: {
        kind: 'offline',
        label: 'Offline demo model',
        description:
          'A scripted model that runs without any account or network. Set OPENAI_API_KEY to use a real OpenAI model.',
      },
    };
  }
  const modelId = env.OPENAI_MODEL?.trim() || DEFAULT_OPENAI_MODEL;
  const { createOpenAI } = await import('@ai-sdk/openai');
  const openai = createOpenAI({ apiKey, ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}) });
  return {
    model: openai(modelId),
    mode: {
      kind: 'openai',
      label: `OpenAI · ${modelId}`,
      description: `Replies come from OpenAI (${modelId}) because OPENAI_API_KEY is set. Unset it for the offline demo model.`,
    },
  };
}
