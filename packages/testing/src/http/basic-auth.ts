import { timingSafeEqual } from 'node:crypto';

/** A username/password pair accepted by the emulator. */
export interface Credential {
  username: string;
  password: string;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Check an `Authorization: Basic …` header against the accepted credentials
 * (API key + secret as TAC uses, and AccountSid + AuthToken as the `twilio`
 * package uses).
 */
export function checkBasicAuth(header: string | undefined, accepted: readonly Credential[]): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return accepted.some((c) => safeEqual(c.username, username) && safeEqual(c.password, password));
}
