import { describe, expect, it } from 'vitest';
import { splitMessage } from './split-message.ts';

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('splitMessage', () => {
  it('keeps a short message whole (trimmed) and drops blank ones', () => {
    expect(splitMessage('  Hello there.  ', 1600)).toEqual(['Hello there.']);
    expect(splitMessage('   \n ', 1600)).toEqual([]);
  });

  it('cuts at sentence ends, in order, each part within the limit', () => {
    const text = 'One is first. Two comes next! Is three here? Four ends it.';
    const parts = splitMessage(text, 30);
    expect(parts).toEqual(['One is first. Two comes next!', 'Is three here? Four ends it.']);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(30);
  });

  it('loses and reorders nothing on a long reply', () => {
    const sentences = Array.from({ length: 200 }, (_, i) => `Sentence number ${i} says something useful.`);
    const text = sentences.join(' ');
    const parts = splitMessage(text, 1600);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(1600);
      expect(p.endsWith('.')).toBe(true); // every cut fell on a sentence end
    }
    expect(norm(parts.join(' '))).toBe(norm(text));
  });

  it('does not treat a decimal point as a sentence end', () => {
    const parts = splitMessage('Pi is 3.14 roughly. Tau is 6.28 roughly.', 25);
    expect(parts).toEqual(['Pi is 3.14 roughly.', 'Tau is 6.28 roughly.']);
  });

  it('cuts at line breaks and CJK stops', () => {
    expect(splitMessage('first line\nsecond line', 12)).toEqual(['first line', 'second line']);
    expect(splitMessage('你好。我们今天见面。', 8)).toEqual(['你好。', '我们今天见面。']);
  });

  it('falls back to word boundaries, then hard cuts that keep emoji whole', () => {
    const words = splitMessage('alpha beta gamma delta epsilon', 12);
    expect(words).toEqual(['alpha beta', 'gamma delta', 'epsilon']);
    const emoji = '😀'.repeat(5); // 10 UTF-16 units
    const hard = splitMessage(emoji, 3);
    expect(hard.join('')).toBe(emoji);
    for (const p of hard) {
      expect(p.length).toBeLessThanOrEqual(3);
      expect(p).not.toMatch(/[\uD800-\uDBFF]$/); // no dangling high surrogate
    }
  });

  it('refuses a nonsensical limit', () => {
    expect(() => splitMessage('x', 1)).toThrow(RangeError);
  });
});
