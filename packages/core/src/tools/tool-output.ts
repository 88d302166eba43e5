import { safeJsonStringify } from './safe-json.ts';

/**
 * Default bound on a tool output's text (about 5,000 tokens): room for a
 * knowledge search's chunks, while a runaway output (a whole file, an
 * unpaginated API listing) is not sent to the model, stored in history and
 * sent again on every later turn.
 */
export const DEFAULT_MAX_TOOL_OUTPUT_CHARS = 20_000;

/** A tool output as the model and history get it; `truncated` counts the characters cut off. */
export interface BoundedToolOutput {
  output: unknown;
  truncated: number;
}

function truncate(text: string, maxChars: number): BoundedToolOutput {
  let keep = maxChars;
  // Never split a surrogate pair (an emoji) in two: half of one is not valid text for a model API.
  const last = text.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep--;
  const truncated = text.length - keep;
  return { output: `${text.slice(0, keep)}…[truncated ${truncated} characters]`, truncated };
}

/**
 * What is given to the model and recorded for a tool's return value: a string
 * as it is, anything else as a JSON-safe copy (see {@link safeJsonStringify}),
 * so a session store that serialises JSON can store it and the model reads
 * the same thing on later turns. When the text is longer than `maxChars`, it
 * is cut there and ends with `…[truncated N characters]` (an object becomes
 * its truncated JSON text).
 */
export function boundToolOutput(value: unknown, maxChars: number): BoundedToolOutput {
  if (value === undefined) return { output: undefined, truncated: 0 };
  if (typeof value === 'string') {
    return value.length > maxChars ? truncate(value, maxChars) : { output: value, truncated: 0 };
  }
  const text = safeJsonStringify(value);
  return text.length > maxChars ? truncate(text, maxChars) : { output: JSON.parse(text), truncated: 0 };
}
