import { describe, expect, it } from 'vitest';
import { validateJsonSchema } from './json-schema-validator.ts';

const order = {
  type: 'object',
  properties: {
    orderNumber: { type: 'string', minLength: 2, pattern: '^A' },
    quantity: { type: 'integer', minimum: 1, maximum: 10 },
    priority: { type: 'string', enum: ['low', 'high'] },
    note: { type: ['string', 'null'] },
    address: {
      type: 'object',
      properties: { city: { type: 'string' }, zip: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
  },
  required: ['orderNumber'],
};

describe('validateJsonSchema', () => {
  it('accepts valid input', () => {
    expect(
      validateJsonSchema(order, {
        orderNumber: 'A12',
        quantity: 3,
        priority: 'high',
        note: null,
        address: { city: 'Paris' },
        tags: ['gift'],
        extra: true,
      }),
    ).toEqual([]);
  });

  it('reports each problem with its path', () => {
    expect(
      validateJsonSchema(order, {
        quantity: 1.5,
        priority: 'urgent',
        address: { zip: 75001, country: 'FR' },
        tags: ['a', 2, 'c'],
      }),
    ).toEqual([
      'orderNumber: is required',
      'quantity: expected integer, received number',
      'priority: expected one of "low", "high"',
      'address.city: is required',
      'address.zip: expected string, received number',
      'address.country: is not an allowed property',
      'tags: must have at most 2 items',
      'tags[1]: expected string, received number',
    ]);
  });

  it('checks string and number bounds, const, and the root type', () => {
    expect(validateJsonSchema(order, { orderNumber: 'B' })).toEqual([
      'orderNumber: must have at least 2 characters',
      'orderNumber: must match ^A',
    ]);
    expect(validateJsonSchema(order, { orderNumber: 'A1', quantity: 11 })).toEqual([
      'quantity: must be <= 10',
    ]);
    expect(validateJsonSchema({ const: 'x' }, 'y')).toEqual(['(root): expected "x"']);
    expect(validateJsonSchema(order, [])).toEqual(['(root): expected object, received array']);
  });

  it('supports anyOf, oneOf, allOf and nullable', () => {
    const anyOf = { anyOf: [{ type: 'string' }, { type: 'number' }] };
    expect(validateJsonSchema(anyOf, 3)).toEqual([]);
    expect(validateJsonSchema(anyOf, true)).toHaveLength(1);
    const oneOf = { oneOf: [{ type: 'number' }, { type: 'integer' }] };
    expect(validateJsonSchema(oneOf, 1)).toEqual(['(root): matches more than one allowed shape']);
    expect(validateJsonSchema({ allOf: [{ minimum: 2 }, { maximum: 4 }] }, 5)).toEqual([
      '(root): must be <= 4',
    ]);
    expect(validateJsonSchema({ type: 'string', nullable: true }, null)).toEqual([]);
  });

  it('ignores keywords it does not know', () => {
    expect(validateJsonSchema({ type: 'string', format: 'email', $ref: '#/x' }, 'not an email')).toEqual([]);
  });
});
