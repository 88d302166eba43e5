import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { z as z3 } from 'zod/v3';
import { TACError } from '../errors/index.ts';
import { defineTool } from './define-tool.ts';

const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'Find an order by its number',
  parameters: z.object({
    orderNumber: z.string().describe('The order number'),
    verbose: z.boolean().default(false),
    limit: z.number().int().optional(),
  }),
  execute: async ({ orderNumber, verbose }) => ({ orderNumber, verbose }),
});

function errorOf(fn: () => unknown): TACError {
  try {
    fn();
  } catch (e) {
    if (TACError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('defineTool (object form, zod 4)', () => {
  it('exposes the JSON Schema models see, without $schema or int noise', () => {
    expect(lookupOrder.name).toBe('lookup_order');
    expect(lookupOrder.parameters).toEqual({
      type: 'object',
      properties: {
        orderNumber: { type: 'string', description: 'The order number' },
        verbose: { type: 'boolean', default: false },
        limit: { type: 'integer' },
      },
      required: ['orderNumber'],
    });
  });

  it('converts to OpenAI, Anthropic and JSON formats', () => {
    expect(lookupOrder.toOpenAIFormat()).toEqual({
      type: 'function',
      function: {
        name: 'lookup_order',
        description: 'Find an order by its number',
        parameters: lookupOrder.parameters,
      },
    });
    expect(lookupOrder.toAnthropicFormat()).toEqual({
      name: 'lookup_order',
      description: 'Find an order by its number',
      input_schema: lookupOrder.parameters,
    });
    expect(JSON.parse(JSON.stringify(lookupOrder))).toEqual({
      name: 'lookup_order',
      description: 'Find an order by its number',
      parameters: lookupOrder.parameters,
    });
  });

  it('validates with zod: defaults applied, errors with paths', () => {
    expect(lookupOrder.validate({ orderNumber: 'A1' })).toEqual({
      success: true,
      data: { orderNumber: 'A1', verbose: false },
    });
    const bad = lookupOrder.validate({ orderNumber: 1, limit: 'x' });
    expect(bad.success).toBe(false);
    expect(!bad.success && bad.error).toBe(
      'orderNumber: Invalid input: expected string, received number; limit: Invalid input: expected number, received string',
    );
  });

  it('treats null on an optional field as absent (OpenAI strict mode)', () => {
    expect(lookupOrder.validate({ orderNumber: 'A1', limit: null })).toEqual({
      success: true,
      data: { orderNumber: 'A1', verbose: false },
    });
    expect(lookupOrder.validate({ orderNumber: null }).success).toBe(false);
  });

  it('accepts zod/mini schemas', () => {
    const tool = defineTool({
      name: 'mini',
      description: 'd',
      parameters: zm.object({ q: zm.string() }),
      execute: ({ q }) => q,
    });
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: { q: { type: 'string' } },
      required: ['q'],
    });
    expect(tool.validate({ q: 1 }).success).toBe(false);
  });
});

describe('defineTool (JSON Schema and positional form)', () => {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
    required: ['city'],
  };

  it("keeps Twilio TAC's positional form working", async () => {
    const weather = defineTool(
      'get_weather',
      'Weather for a city',
      schema,
      async (args) => `Sunny in ${args.city}`,
    );
    expect(weather.parameters).toEqual({
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
      required: ['city'],
    });
    expect(weather.validate({ city: 'Paris', days: 0 })).toEqual({
      success: false,
      error: 'days: must be >= 1',
    });
    expect(weather.validate({ city: 'Paris' })).toEqual({ success: true, data: { city: 'Paris' } });
    expect(await weather.execute({ city: 'Paris' }, {} as never)).toBe('Sunny in Paris');
  });

  it('copies the schema, so later edits by the caller do not leak in', () => {
    const mutable = structuredClone(schema);
    const tool = defineTool({ name: 't', description: 'd', parameters: mutable, execute: () => null });
    (mutable.properties as Record<string, unknown>).injected = { type: 'string' };
    expect(tool.parameters.properties).not.toHaveProperty('injected');
  });

  it('adds empty properties to a no-argument tool and accepts empty input', () => {
    const tool = defineTool('ping', 'Check', { type: 'object' }, () => 'pong');
    expect(tool.parameters).toEqual({ type: 'object', properties: {} });
    expect(tool.validate(undefined)).toEqual({ success: true, data: {} });
  });
});

describe('defineTool checks at definition', () => {
  it('names every problem in one actionable error', () => {
    const error = errorOf(() =>
      defineTool({
        name: 'bad name!',
        description: '',
        parameters: { type: 'object' },
        execute: 'nope' as never,
      }),
    );
    expect(error.code).toBe('TAC_ERR_INVALID_ARGUMENT');
    expect(error.message).toContain('Invalid tool "bad name!"');
    expect(error.message).toContain('name: must be 1-64 letters, digits, "_" or "-"');
    expect(error.message).toContain('description: must describe what the tool does');
    expect(error.message).toContain('execute: must be a function');
  });

  it('refuses parameters that do not describe an object', () => {
    expect(errorOf(() => defineTool('t', 'd', { type: 'string' }, () => 1)).message).toContain(
      'must describe an object',
    );
    expect(errorOf(() => defineTool('t', 'd', z.string(), () => 1)).message).toContain(
      'must describe an object',
    );
  });

  it('refuses zod 3 schemas and unrepresentable zod types with a hint', () => {
    expect(
      errorOf(() => defineTool('t', 'd', z3.object({ a: z3.string() }) as never, () => 1)).message,
    ).toContain('zod 3 schemas are not supported');
    expect(errorOf(() => defineTool('t', 'd', z.object({ at: z.date() }), () => 1)).message).toContain(
      'cannot be expressed as JSON Schema',
    );
  });

  it('accepts names up to 64 characters', () => {
    expect(defineTool('a'.repeat(64), 'd', { type: 'object' }, () => 1).name).toHaveLength(64);
    expect(() => defineTool('a'.repeat(65), 'd', { type: 'object' }, () => 1)).toThrow(/name/);
  });
});
