import type { JSONSchema } from './types.ts';

/*
 * A compact JSON Schema validator for tool arguments given as plain JSON
 * Schema (zod schemas validate themselves). It covers what tool schemas use:
 * type (also as a list), enum, const, properties, required,
 * additionalProperties, items, string/number/array bounds, pattern, anyOf,
 * oneOf, allOf, and OpenAPI's `nullable`. Unknown keywords (format, $ref, …)
 * are ignored rather than rejected: the model is never blocked by a keyword
 * we don't check.
 */

type Schema = JSONSchema | boolean;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

function pathOf(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

function describe(value: unknown): string {
  const t = typeOf(value);
  return t === 'integer' ? 'number' : t;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function check(schema: Schema, value: unknown, path: string, errors: string[]): void {
  if (schema === true || schema === undefined) return;
  if (schema === false) {
    errors.push(`${path || '(root)'}: no value is allowed here`);
    return;
  }
  const s = schema as Record<string, unknown>;
  const at = path || '(root)';

  if (value === null && s.nullable === true) return;

  const type = s.type as string | string[] | undefined;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (!types.some((t) => matchesType(value, t))) {
      errors.push(`${at}: expected ${types.join(' or ')}, received ${describe(value)}`);
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => sameJson(e, value))) {
    errors.push(`${at}: expected one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
    return;
  }
  if ('const' in s && !sameJson(s.const, value)) {
    errors.push(`${at}: expected ${JSON.stringify(s.const)}`);
    return;
  }

  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength)
      errors.push(`${at}: must have at least ${s.minLength} characters`);
    if (typeof s.maxLength === 'number' && value.length > s.maxLength)
      errors.push(`${at}: must have at most ${s.maxLength} characters`);
    if (typeof s.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(s.pattern, 'u');
      } catch {
        re = undefined; // an invalid pattern in the schema is the author's bug, not the model's
      }
      if (re && !re.test(value)) errors.push(`${at}: must match ${s.pattern}`);
    }
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) errors.push(`${at}: must be >= ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) errors.push(`${at}: must be <= ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum)
      errors.push(`${at}: must be > ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum)
      errors.push(`${at}: must be < ${s.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems)
      errors.push(`${at}: must have at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems)
      errors.push(`${at}: must have at most ${s.maxItems} items`);
    if (s.items !== undefined && !Array.isArray(s.items)) {
      value.forEach((item, i) => {
        check(s.items as Schema, item, pathOf(path, i), errors);
      });
    }
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    if (Array.isArray(s.required)) {
      for (const key of s.required as string[]) {
        if (obj[key] === undefined) errors.push(`${pathOf(path, key)}: is required`);
      }
    }
    for (const [key, v] of Object.entries(obj)) {
      if (key in properties) {
        if (v !== undefined) check(properties[key] as Schema, v, pathOf(path, key), errors);
      } else if (s.additionalProperties === false) {
        errors.push(`${pathOf(path, key)}: is not an allowed property`);
      } else if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null) {
        check(s.additionalProperties as Schema, v, pathOf(path, key), errors);
      }
    }
  }

  const branches = (key: 'anyOf' | 'oneOf') =>
    Array.isArray(s[key])
      ? (s[key] as Schema[]).map((branch) => {
          const branchErrors: string[] = [];
          check(branch, value, path, branchErrors);
          return branchErrors;
        })
      : undefined;
  const anyOf = branches('anyOf');
  if (anyOf && !anyOf.some((e) => e.length === 0)) {
    errors.push(`${at}: does not match any allowed shape (${anyOf.map((e) => e[0]).join('; ')})`);
  }
  const oneOf = branches('oneOf');
  if (oneOf) {
    const matches = oneOf.filter((e) => e.length === 0).length;
    if (matches === 0)
      errors.push(`${at}: does not match any allowed shape (${oneOf.map((e) => e[0]).join('; ')})`);
    else if (matches > 1) errors.push(`${at}: matches more than one allowed shape`);
  }
  if (Array.isArray(s.allOf)) for (const branch of s.allOf as Schema[]) check(branch, value, path, errors);
}

/**
 * Validate `value` against a JSON Schema. Returns one `"path: problem"` line
 * per violation (empty when valid), phrased so a model can fix its call.
 */
export function validateJsonSchema(schema: JSONSchema, value: unknown): string[] {
  const errors: string[] = [];
  check(schema, value, '', errors);
  return errors;
}
