import { z } from 'zod';
import { TACError, TACErrorCode } from '../errors/index.ts';
import type { TAC } from '../tac.ts';
import { validateJsonSchema } from './json-schema-validator.ts';
import type { JSONSchema, TACTool, ToolContext, ToolValidation } from './types.ts';

/** A zod 4 schema (classic or mini). */
export type ZodSchema = z.core.$ZodType;

/** Tool parameters: a zod 4 object schema or a plain JSON Schema of type `object`. */
export type ToolParameters = ZodSchema | JSONSchema;

/** What `execute` receives: the zod schema's output, or a plain object for JSON Schema. */
// biome-ignore lint/suspicious/noExplicitAny: JSON Schema arguments are untyped by nature.
export type ToolInput<P> = P extends ZodSchema ? z.output<P> : Record<string, any>;

/** The object form of {@link defineTool}. */
export interface ToolDefinition<P extends ToolParameters = ToolParameters, O = unknown> {
  /** What the model calls: `^[a-zA-Z0-9_-]{1,64}$`. */
  name: string;
  /** What the tool does and when to use it; the model reads this. */
  description: string;
  /** zod 4 schema (`z.object({...})`) or JSON Schema (`{ type: 'object', properties, required }`). */
  parameters: P;
  /**
   * Runs the tool with validated arguments and the conversation's context.
   * Throw to report a failure: the model gets a clear error result instead.
   */
  execute(input: ToolInput<P>, context: ToolContext): O | Promise<O>;
  /** Checked by `tac.useAgent` at registration; throw a `TACError` when the tool cannot work. */
  assertUsable?(tac: TAC): void;
}

/** Twilio TAC's positional implementation: `(args) => result` (the context comes second). */
export type ToolImplementation<O = unknown> = (
  // biome-ignore lint/suspicious/noExplicitAny: JSON Schema arguments are untyped by nature.
  input: Record<string, any>,
  context: ToolContext,
) => O | Promise<O>;

/** Tool names models accept (OpenAI and Anthropic). */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** True for a zod 4 schema, including one from another copy of zod. */
export function isZodSchema(value: unknown): value is ZodSchema {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

const DefinitionSchema = z.object({
  name: z
    .string({ error: 'must be a string' })
    .regex(TOOL_NAME_PATTERN, 'must be 1-64 letters, digits, "_" or "-" (e.g. "lookup_order")'),
  description: z.string({ error: 'must be a string' }).trim().min(1, 'must describe what the tool does'),
  parameters: z.custom<ToolParameters>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'must be a zod 4 object schema or a JSON Schema object',
  ),
  execute: z.custom<(...args: unknown[]) => unknown>(
    (v) => typeof v === 'function',
    'must be a function (input, context) => result',
  ),
});

function fail(name: unknown, problem: string): never {
  const label = typeof name === 'string' && name ? `"${name}"` : '(unnamed)';
  throw new TACError(TACErrorCode.INVALID_ARGUMENT, `Invalid tool ${label}:\n  - ${problem}`, {
    context: { tool: typeof name === 'string' ? name : undefined },
  });
}

const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** Drop noise zod adds for `.int()` (±MAX_SAFE_INTEGER bounds) that only costs model tokens. */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'minimum' && value === -SAFE_INT) continue;
    if (key === 'maximum' && value === SAFE_INT) continue;
    out[key] = tidy(value);
  }
  return out;
}

/** JSON Schema for a tool's parameters: draft-07, no `$schema`, always `type: 'object'` with `properties`. */
function toParametersSchema(name: string, parameters: ToolParameters): JSONSchema {
  let schema: Record<string, unknown>;
  if (isZodSchema(parameters)) {
    try {
      // `io: 'input'`: fields with defaults are optional for the model, which sends the input side.
      schema = z.toJSONSchema(parameters, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
    } catch (error) {
      fail(name, `parameters: cannot be expressed as JSON Schema (${(error as Error).message})`);
    }
  } else if ('_def' in parameters && 'safeParse' in parameters) {
    fail(name, 'parameters: zod 3 schemas are not supported; import { z } from "zod" (zod 4)');
  } else {
    schema = structuredClone(parameters) as Record<string, unknown>;
  }
  delete schema.$schema;
  if (schema.type === undefined && typeof schema.properties === 'object') schema.type = 'object';
  if (schema.type !== 'object') {
    fail(name, 'parameters: must describe an object (z.object({...}) or { type: "object", properties })');
  }
  if (schema.properties === undefined) schema.properties = {};
  return tidy(schema) as JSONSchema;
}

function pathLabel(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/**
 * Models in OpenAI strict mode send `null` for optional fields they leave out;
 * treat a top-level `null` on a non-required field as absent, as the OpenAI
 * Agents SDK does.
 */
function dropNullOptionals(input: unknown, required: readonly string[]): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === null && !required.includes(key)) continue;
    out[key] = value;
  }
  return out;
}

/** @internal Everything a tool is made of; `description` may be computed (knowledge tool). */
export interface ToolSpec<I, O> {
  name: string;
  description: string | (() => string);
  parameters: ToolParameters;
  execute(input: I, context: ToolContext): O | Promise<O>;
  assertUsable?(tac: TAC): void;
  prepare?(tac: TAC): Promise<void>;
}

/** @internal Build a {@link TACTool} from a checked spec. Public code uses {@link defineTool}. */
export function createTool<I, O>(spec: ToolSpec<I, O>): TACTool<I, O> {
  const { name } = spec;
  const parameters = toParametersSchema(name, spec.parameters);
  const required = Array.isArray(parameters.required) ? (parameters.required as string[]) : [];
  const zod = isZodSchema(spec.parameters) ? spec.parameters : undefined;
  const describeTool =
    typeof spec.description === 'function' ? spec.description : () => spec.description as string;
  const execute = spec.execute;

  const validate = (raw: unknown): ToolValidation<I> => {
    const input = dropNullOptionals(raw ?? {}, required);
    if (zod) {
      const result = z.safeParse(zod, input);
      if (result.success) return { success: true, data: result.data as I };
      return {
        success: false,
        error: result.error.issues.map((i) => `${pathLabel(i.path)}: ${i.message}`).join('; '),
      };
    }
    const errors = validateJsonSchema(parameters, input);
    return errors.length === 0
      ? { success: true, data: input as I }
      : { success: false, error: errors.join('; ') };
  };

  const tool: TACTool<I, O> = {
    name,
    get description() {
      return describeTool();
    },
    parameters,
    validate,
    execute: (input, context) => execute(input, context),
    toOpenAIFormat: () => ({
      type: 'function',
      function: { name, description: describeTool(), parameters },
    }),
    toAnthropicFormat: () => ({ name, description: describeTool(), input_schema: parameters }),
    toJSON: () => ({ name, description: describeTool(), parameters }),
  };
  if (spec.assertUsable) tool.assertUsable = spec.assertUsable;
  if (spec.prepare) tool.prepare = spec.prepare;
  return tool;
}

/**
 * Define a tool once; the runtime hands each execution its conversation's
 * context (`{ tac, session, channel, signal }`). Arguments are validated
 * before `execute` runs, and a validation failure or a thrown error becomes an
 * error result for the model (see `invokeTool`), never a crashed turn.
 *
 * Checked at definition: the name (`^[a-zA-Z0-9_-]{1,64}$`), a non-empty
 * description, parameters that describe an object, and `execute`.
 *
 * @example
 * ```ts
 * const lookupOrder = defineTool({
 *   name: 'lookup_order',
 *   description: 'Find an order by its number',
 *   parameters: z.object({ orderNumber: z.string() }),
 *   execute: async ({ orderNumber }, { session, signal }) => ({ orderNumber, status: 'shipped' }),
 * });
 * // Twilio TAC's positional form, with a JSON Schema:
 * const ping = defineTool('ping', 'Check the service', { type: 'object', properties: {} }, async () => 'pong');
 * ```
 */
export function defineTool<P extends ToolParameters, O>(
  definition: ToolDefinition<P, O>,
): TACTool<ToolInput<P>, O>;
export function defineTool<P extends ToolParameters, O>(
  name: string,
  description: string,
  parameters: P,
  implementation: (input: ToolInput<P>, context: ToolContext) => O | Promise<O>,
): TACTool<ToolInput<P>, O>;
export function defineTool(
  nameOrDefinition: string | ToolDefinition,
  description?: string,
  parameters?: ToolParameters,
  implementation?: ToolImplementation,
): TACTool {
  const definition =
    typeof nameOrDefinition === 'string'
      ? { name: nameOrDefinition, description, parameters, execute: implementation }
      : nameOrDefinition;
  if (typeof definition !== 'object' || definition === null) {
    fail(
      undefined,
      'defineTool expects { name, description, parameters, execute } or (name, description, schema, fn)',
    );
  }
  const parsed = DefinitionSchema.safeParse(definition);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${pathLabel(i.path)}: ${i.message}`);
    const label =
      typeof definition.name === 'string' && definition.name ? `"${definition.name}"` : '(unnamed)';
    throw new TACError(
      TACErrorCode.INVALID_ARGUMENT,
      `Invalid tool ${label}:\n  - ${problems.join('\n  - ')}`,
      {
        context: { tool: typeof definition.name === 'string' ? definition.name : undefined },
      },
    );
  }
  const assertUsable = (definition as ToolDefinition).assertUsable;
  return createTool({
    name: parsed.data.name,
    description: parsed.data.description,
    parameters: definition.parameters as ToolParameters,
    execute: definition.execute as ToolImplementation,
    assertUsable: typeof assertUsable === 'function' ? assertUsable.bind(definition) : undefined,
  });
}
