/**
 * A `JSON.stringify` replacer that turns `bigint` into its decimal string and
 * a reference back to an enclosing object into `"[Circular]"`. Only the
 * ancestors of the value being written count, so an object shared by two
 * fields (not a cycle) is written twice, as `JSON.stringify` would.
 */
function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function (this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    // `this` is the object holding `value`: whatever is above it on the stack was a finished sibling branch.
    while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    ancestors.push(value);
    return value;
  };
}

/**
 * `JSON.stringify` that never throws, for values a model or a JSON store will
 * read (tool outputs): `bigint` becomes a string (`1234n` → `"1234"`), a
 * circular reference becomes `"[Circular]"`, and a value with no JSON form
 * (`undefined`, a function) becomes `null`. A value whose own `toJSON` or
 * getter throws becomes a string saying so. Adapters that hand a tool output to
 * a framework as text can use it where they would use `JSON.stringify`.
 *
 * @example
 * ```ts
 * const order: Record<string, unknown> = { id: 'A1', cents: 1234n };
 * order.self = order;
 * safeJsonStringify(order); // '{"id":"A1","cents":"1234","self":"[Circular]"}'
 * ```
 */
export function safeJsonStringify(value: unknown): string {
  try {
    // Plain JSON first: native and fast for the usual output; only a bigint or a cycle throws here.
    return JSON.stringify(value) ?? 'null';
  } catch {
    // Fall through to the replacer, which handles both.
  }
  try {
    return JSON.stringify(value, safeReplacer()) ?? 'null';
  } catch (error) {
    // A throwing toJSON/getter or a revoked Proxy: still valid JSON, and it says what went wrong.
    return JSON.stringify(
      `[unserializable value: ${error instanceof Error ? error.message : String(error)}]`,
    );
  }
}
