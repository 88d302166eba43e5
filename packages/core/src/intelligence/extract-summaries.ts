import type { OperatorResult } from './cintel-payload.ts';

const JSON_RESULT_KEY = 'com.twilio.cai.intelligence.JSONResult';

/** Summaries sit a level or two deep; past this the value is not a summary shape (and recursion must stop). */
const MAX_DEPTH = 16;

const clean = (list: unknown[]): string[] =>
  list.map((s) => (typeof s === 'string' ? s.trim() : '')).filter((s) => s !== '');

/** Summaries in a parsed value: `{summaries:[{summary}]}`, `{summary}`, a list of those, or a string. */
function fromValue(value: unknown, depth = 0): string[] {
  if (depth > MAX_DEPTH) return [];
  if (typeof value === 'string') return fromText(value, depth + 1);
  if (Array.isArray(value)) return value.flatMap((item) => fromValue(item, depth + 1));
  if (value && typeof value === 'object') {
    const v = value as { summaries?: unknown; summary?: unknown; payload?: unknown };
    if (Array.isArray(v.summaries)) {
      return clean(
        v.summaries.map((s) => (typeof s === 'string' ? s : (s as { summary?: unknown })?.summary)),
      );
    }
    if (typeof v.summary === 'string') return clean([v.summary]);
    if (v.payload !== undefined) return fromValue(v.payload, depth + 1);
  }
  return [];
}

/** Text that may be JSON (parsed as above) or the summary itself. */
function fromText(text: string, depth = 0): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return fromValue(JSON.parse(trimmed), depth + 1);
    } catch {
      // Not JSON after all: the text is the summary.
    }
  }
  return [trimmed];
}

/**
 * The summaries an operator result carries: `JSON` (`result.payload`, or the
 * value under `com.twilio.cai.intelligence.JSONResult`) and `GENERATION` /
 * `TEXT` (`result.result`). `CLASSIFICATION` and `EXTRACTION` carry none.
 */
export function extractSummaries(result: OperatorResult): string[] {
  const body = (result.result ?? {}) as Record<string, unknown>;
  switch (result.outputFormat.toUpperCase()) {
    case 'JSON': {
      const value = body[JSON_RESULT_KEY] ?? body.payload ?? body;
      return fromValue(value);
    }
    case 'GENERATION':
    case 'TEXT':
      return typeof body.result === 'string' ? fromText(body.result) : fromValue(body.result);
    default:
      return [];
  }
}
