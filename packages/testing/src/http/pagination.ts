import { TwilioHttpError } from './twilio-error.ts';

/** The `meta` block of Orchestrator list responses. */
export interface PageMeta {
  key: string;
  pageSize: number;
  previousToken: string | null;
  nextToken: string | null;
}

const encode = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

function decode(token: string): number {
  const raw = Buffer.from(token, 'base64url').toString('utf8');
  const n = raw.startsWith('o:') ? Number(raw.slice(2)) : Number.NaN;
  if (!Number.isInteger(n) || n < 0) throw new TwilioHttpError(400, `Invalid pageToken "${token}"`);
  return n;
}

/** Page a list the way the Orchestrator does (`pageSize` ≤ 1000, opaque `pageToken`). */
export function paginate<T>(
  items: readonly T[],
  query: { pageSize?: string; pageToken?: string },
  key: string,
): { items: T[]; meta: PageMeta } {
  const pageSize = query.pageSize === undefined ? 50 : Number(query.pageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw new TwilioHttpError(400, 'pageSize must be an integer between 1 and 1000');
  }
  const offset = query.pageToken ? decode(query.pageToken) : 0;
  const page = items.slice(offset, offset + pageSize);
  return {
    items: page,
    meta: {
      key,
      pageSize,
      previousToken: offset > 0 ? encode(Math.max(0, offset - pageSize)) : null,
      nextToken: offset + pageSize < items.length ? encode(offset + pageSize) : null,
    },
  };
}
