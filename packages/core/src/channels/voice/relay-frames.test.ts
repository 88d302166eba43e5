import { describe, expect, it } from 'vitest';
import { parseInboundFrame } from './relay-frames.ts';

describe('parseInboundFrame', () => {
  it('parses the documented setup frame and fills absent fields tolerantly', () => {
    const r = parseInboundFrame(
      JSON.stringify({
        type: 'setup',
        sessionId: 'VX1',
        accountSid: 'AC1',
        callSid: 'CA1',
        from: '+18005550100',
        to: '+18005550101',
        direction: 'outbound-api',
        callStatus: 'IN_PROGRESS',
        customParameters: { callReference: 'bar' },
      }),
    );
    expect(r).toMatchObject({
      ok: true,
      frame: {
        type: 'setup',
        callSid: 'CA1',
        direction: 'outbound-api',
        forwardedFrom: '',
        customParameters: { callReference: 'bar' },
      },
    });
    const minimal = parseInboundFrame('{"type":"setup","callSid":"CA2","customParameters":null}');
    expect(minimal).toMatchObject({ ok: true, frame: { callSid: 'CA2', from: '', customParameters: {} } });
  });

  it('treats a prompt without last as final and keeps last:false partials', () => {
    expect(parseInboundFrame('{"type":"prompt","voicePrompt":"hi"}')).toMatchObject({
      ok: true,
      frame: { last: true },
    });
    expect(parseInboundFrame('{"type":"prompt","voicePrompt":"h","last":false}')).toMatchObject({
      ok: true,
      frame: { last: false },
    });
  });

  it('accepts durationUntilInterruptMs as a number or a numeric string', () => {
    expect(
      parseInboundFrame(
        '{"type":"interrupt","utteranceUntilInterrupt":"Life is","durationUntilInterruptMs":"460"}',
      ),
    ).toMatchObject({
      ok: true,
      frame: { utteranceUntilInterrupt: 'Life is', durationUntilInterruptMs: 460 },
    });
    expect(parseInboundFrame('{"type":"interrupt","durationUntilInterruptMs":460}')).toMatchObject({
      ok: true,
      frame: { utteranceUntilInterrupt: '', durationUntilInterruptMs: 460 },
    });
  });

  it('parses dtmf, info and error frames', () => {
    expect(parseInboundFrame('{"type":"dtmf","digit":"1"}')).toMatchObject({
      ok: true,
      frame: { digit: '1' },
    });
    expect(parseInboundFrame('{"type":"info","name":"roundTripDelayMs","value":"148"}')).toMatchObject({
      ok: true,
      frame: { name: 'roundTripDelayMs', value: '148' },
    });
    expect(parseInboundFrame('{"type":"error","description":"Invalid message"}')).toMatchObject({
      ok: true,
      frame: { description: 'Invalid message' },
    });
  });

  it('rejects malformed frames with a reason that never echoes their content', () => {
    expect(parseInboundFrame('not json')).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseInboundFrame('[1]')).toEqual({ ok: false, reason: 'not a JSON object' });
    expect(parseInboundFrame('{"voicePrompt":"secret words"}')).toEqual({
      ok: false,
      reason: 'missing type',
    });
    const bad = parseInboundFrame('{"type":"prompt","voicePrompt":42}');
    expect(bad).toMatchObject({ ok: false, type: 'prompt' });
    expect(JSON.stringify(bad)).not.toContain('42');
    expect(parseInboundFrame('{"type":"dtmf"}')).toMatchObject({ ok: false, type: 'dtmf' });
    expect(parseInboundFrame('{"type":"mystery"}')).toMatchObject({ ok: false, type: 'mystery' });
  });
});
