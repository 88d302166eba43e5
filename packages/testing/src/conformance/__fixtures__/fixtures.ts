import { readFileSync } from 'node:fs';

const dir = new URL('./', import.meta.url);

/** Read a fixture file as text. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, dir), 'utf8');
}

/** Parse a JSON fixture. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are free-form JSON
export function fixture<T = any>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** Parse a JSON-lines fixture. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are free-form JSON
export function fixtureLines<T = any>(name: string): T[] {
  return fixtureText(name)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

/** A normalized example (see normalized.json). */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are free-form JSON
export function normalized<T = any>(key: string): T {
  return (fixture('normalized.json') as Record<string, { example: T }>)[key]?.example as T;
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Compare the shape of `actual` with a documented example: every key of the
 * example is present with the same JSON type (a documented `null` accepts null
 * or a string: a nullable field; `nullable` keys may also be null where the example
 * shows a string), arrays are checked element-wise against the example's first
 * element, an empty example object stands for any map, and with `exact` no
 * extra keys are allowed. Returns the mismatches (empty when conformant).
 */
export function shapeMismatches(
  actual: unknown,
  expected: unknown,
  options: { exact?: boolean; nullable?: string[] } = {},
  path = '$',
): string[] {
  const e = kind(expected);
  const a = kind(actual);
  if (e === 'null')
    return a === 'null' || a === 'string' ? [] : [`${path}: expected null or string, got ${a}`];
  const key = path.split('.').at(-1) ?? '';
  if (a === 'null' && options.nullable?.includes(key)) return [];
  if (e !== a) return [`${path}: expected ${e}, got ${a}`];
  if (e === 'array') {
    const first = (expected as unknown[])[0];
    if (first === undefined) return [];
    return (actual as unknown[]).flatMap((item, i) => shapeMismatches(item, first, options, `${path}[${i}]`));
  }
  if (e !== 'object') return [];
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  if (Object.keys(exp).length === 0) return [];
  const out: string[] = [];
  for (const key of Object.keys(exp)) {
    if (!(key in act)) out.push(`${path}.${key}: missing`);
    else out.push(...shapeMismatches(act[key], exp[key], options, `${path}.${key}`));
  }
  if (options.exact)
    for (const key of Object.keys(act)) if (!(key in exp)) out.push(`${path}.${key}: not in the example`);
  return out;
}
