import { z } from 'zod';
import { TACError, TACErrorCode } from '../../errors/index.ts';
import { TOOL_NAME_PATTERN } from '../define-tool.ts';

/** zod fields shared by built-in tool options: an optional model-facing name and description. */
export const NamingOptionsSchema = z.object({
  name: z.string().regex(TOOL_NAME_PATTERN, 'must be 1-64 letters, digits, "_" or "-"').optional(),
  description: z.string().trim().min(1, 'must not be empty').optional(),
});

/** Parse a built-in tool's options, failing with one actionable `TAC_ERR_INVALID_ARGUMENT` error. */
export function parseToolOptions<S extends z.ZodType>(
  factory: string,
  schema: S,
  options: unknown,
): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (i) => `  - ${i.path.map(String).join('.') || '(options)'}: ${i.message}`,
  );
  throw new TACError(TACErrorCode.INVALID_ARGUMENT, `Invalid options for ${factory}:\n${lines.join('\n')}`);
}
