/** A parsed form body: repeated keys become arrays (as `@fastify/formbody` parses them). */
export type FormBody = Record<string, string | string[] | undefined>;

/** The first value of a form field. */
export function field(form: FormBody, key: string): string | undefined {
  const v = form[key];
  return Array.isArray(v) ? v[0] : v;
}

/** Every value of a (possibly repeated) form field. */
export function fields(form: FormBody, key: string): string[] {
  const v = form[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Flatten a form to first values (for records). */
export function flatten(form: FormBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(form)) {
    const v = field(form, key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}
