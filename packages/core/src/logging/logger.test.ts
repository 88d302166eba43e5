import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('masks PII in messages and fields, and redacts secrets, before anything is written', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination });
    logger.info(
      { from: '+15551234567', apiSecret: 's3cr3t', nested: { email: 'maya@example.com' } },
      'sms from +15551234567',
    );
    logger.child({ component: 'http' }).warn('reply to whatsapp:+15559876543 failed');
    const out = lines.join('');
    expect(out).not.toContain('+15551234567');
    expect(out).not.toContain('s3cr3t');
    expect(out).not.toContain('maya@example.com');
    expect(out).not.toContain('+15559876543');
    expect(out).toContain('+1***4567');
    expect(out).toContain('m***@example.com');
    expect(out).toContain('"component":"http"');
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'warn', destination });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.join('')).not.toContain('hidden');
    expect(lines.join('')).toContain('shown');
  });
});
