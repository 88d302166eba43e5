import { describe, expect, it } from 'vitest';
import { checkAppFrame } from './frames.ts';

const ok = (frame: unknown) => checkAppFrame(JSON.stringify(frame)).ok;

describe('checkAppFrame (ConversationRelay validation of app frames)', () => {
  it('accepts the documented frames verbatim', () => {
    expect(
      ok({ type: 'text', token: 'Hello world!', last: false, interruptible: false, preemptible: false }),
    ).toBe(true);
    expect(
      ok({
        type: 'play',
        source: 'https://api.twilio.com/cowbell.mp3',
        loop: 1,
        preemptible: false,
        interruptible: true,
      }),
    ).toBe(true);
    expect(ok({ type: 'sendDigits', digits: '9www4085551212' })).toBe(true);
    expect(ok({ type: 'language', ttsLanguage: 'sv-SE', transcriptionLanguage: 'en-US' })).toBe(true);
    expect(ok({ type: 'end', handoffData: '{"reasonCode":"live-agent-handoff"}' })).toBe(true);
    expect(ok({ type: 'end' })).toBe(true);
    expect(ok({ type: 'text', token: '', last: true })).toBe(true);
  });

  it('rejects what ConversationRelay rejects', () => {
    expect(checkAppFrame('not json')).toMatchObject({ ok: false, reason: 'not valid JSON' });
    expect(checkAppFrame('[1]')).toMatchObject({ ok: false, reason: 'not a JSON object' });
    expect(checkAppFrame('{ "foo" : "bar" }')).toMatchObject({
      ok: false,
      reason: 'unknown message type undefined',
    });
    expect(ok({ type: 'text', token: null })).toBe(false);
    expect(ok({ type: 'text', token: 'x', last: 'yes' })).toBe(false);
    expect(ok({ type: 'play', source: 'not a url' })).toBe(false);
    expect(ok({ type: 'play', source: 'https://x.test/a.mp3', loop: 1001 })).toBe(false);
    expect(ok({ type: 'sendDigits', digits: '' })).toBe(false);
    expect(ok({ type: 'sendDigits', digits: '12a' })).toBe(false);
    expect(ok({ type: 'language' })).toBe(false);
    expect(ok({ type: 'language', ttsLanguage: 'not a language!' })).toBe(false);
    expect(ok({ type: 'end', handoffData: { reason: 'object, not string' } })).toBe(false);
  });
});
