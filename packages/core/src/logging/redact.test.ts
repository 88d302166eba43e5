import { describe, expect, it } from 'vitest';
import { maskAddress, maskEmail, maskPhone, scrubObject, scrubPii } from './redact.ts';

describe('PII masking', () => {
  it('masks phone numbers, keeping the first 2 and last 4 characters and any channel prefix', () => {
    expect(maskPhone('+15551234567')).toBe('+1***4567');
    expect(maskPhone('whatsapp:+15551234567')).toBe('whatsapp:+1***4567');
    expect(maskPhone('12345')).toBe('***');
  });

  it('masks emails, keeping the first character and the domain', () => {
    expect(maskEmail('maya.patel@example.com')).toBe('m***@example.com');
    expect(maskAddress('maya.patel@example.com')).toBe('m***@example.com');
    expect(maskAddress('rcs:+15551234567')).toBe('rcs:+1***4567');
  });

  it('scrubs phone numbers and emails inside free text, but not ids or timestamps', () => {
    const text = 'call from +1 (555) 123-4567 and whatsapp:+15559876543, mail ada@example.org';
    const scrubbed = scrubPii(text);
    expect(scrubbed).not.toContain('123-4567');
    expect(scrubbed).not.toContain('+15559876543');
    expect(scrubbed).not.toContain('ada@example.org');
    expect(scrubbed).toContain('a***@example.org');
    expect(scrubPii('at 2026-11-21T07:06:35.872Z id CA0123456789abcdef')).toBe(
      'at 2026-11-21T07:06:35.872Z id CA0123456789abcdef',
    );
  });

  it('redacts secret-named keys and scrubs nested values', () => {
    const out = scrubObject({
      authToken: 'tok',
      headers: { Authorization: 'Basic abc' },
      customer: { address: '+15551234567', notes: ['email me at bo@example.com'] },
    }) as {
      authToken: string;
      headers: { Authorization: string };
      customer: { address: string; notes: string[] };
    };
    expect(out.authToken).toBe('[redacted]');
    expect(out.headers.Authorization).toBe('[redacted]');
    expect(out.customer.address).toBe('+1***4567');
    expect(out.customer.notes[0]).toBe('email me at b***@example.com');
  });
});
