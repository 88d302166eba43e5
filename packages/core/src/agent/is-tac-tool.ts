import type { TACTool } from '../tools/types.ts';

/**
 * True for an object shaped like a {@link TACTool} (from `defineTool` or a
 * built-in), including one made by another copy of `@tac/core`.
 */
export function isTACTool(value: unknown): value is TACTool {
  const v = value as Partial<TACTool> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.description === 'string' &&
    typeof v.parameters === 'object' &&
    v.parameters !== null &&
    typeof v.validate === 'function' &&
    typeof v.execute === 'function'
  );
}
