/**
 * PII masking for logs. Phone numbers keep their first 2 and last 4 characters
 * (`+1***4567`), emails keep the first character and the domain (`j***@example.com`),
 * as Twilio's TAC does, so support can still correlate lines without exposing customers.
 */

/** Mask a phone number (or channel address such as `whatsapp:+1555…`). */
export function maskPhone(value: string): string {
  const prefixMatch = /^([a-z]+:)?(.*)$/i.exec(value);
  const prefix = prefixMatch?.[1] ?? '';
  const number = prefixMatch?.[2] ?? value;
  if (number.length <= 6) return `${prefix}***`;
  return `${prefix}${number.slice(0, 2)}***${number.slice(-4)}`;
}

/** Mask an email address. */
export function maskEmail(value: string): string {
  const at = value.indexOf('@');
  if (at <= 0) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

/** Mask a channel address of any kind (phone, `whatsapp:`/`rcs:` address, email). */
export function maskAddress(value: string): string {
  return value.includes('@') ? maskEmail(value) : maskPhone(value);
}

// E.164-ish numbers (7+ digits, optional +, optional channel prefix) and emails.
const PHONE_RE = /(?<![\w.])(?:(?:whatsapp|rcs|sms|tel):)?\+?\d[\d\s().-]{6,}\d(?!\w)/gi;
const EMAIL_RE = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/** Replace every phone number and email inside free text with its masked form. */
export function scrubPii(text: string): string {
  return text.replace(EMAIL_RE, maskEmail).replace(PHONE_RE, (m) => {
    // Avoid mangling ISO timestamps and SIDs: only mask digit runs that look like phone numbers.
    const digits = m.replace(/\D/g, '');
    return digits.length >= 7 && digits.length <= 15 ? maskPhone(m.replace(/[\s().-]/g, '')) : m;
  });
}

const SECRET_KEYS = new Set([
  'authtoken',
  'apisecret',
  'authorization',
  'password',
  'x-twilio-signature',
  'twilio_auth_token',
  'twilio_api_secret',
  'openai_api_key',
]);

/** Deep-copy `value` with PII scrubbed from strings and secret-named keys replaced by `[redacted]`. */
export function scrubObject(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return scrubPii(value);
  if (Array.isArray(value)) return value.map((v) => scrubObject(v, depth + 1));
  if (value instanceof Error) {
    return { type: value.name, message: scrubPii(value.message), code: (value as { code?: unknown }).code };
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.has(k.toLowerCase()) ? '[redacted]' : scrubObject(v, depth + 1);
    }
    return out;
  }
  return value;
}
