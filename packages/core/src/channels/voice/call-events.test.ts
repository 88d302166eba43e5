import { describe, expect, it } from 'vitest';
import {
  parseAmdEvent,
  parseCallStatusEvent,
  parseInboundCallRequest,
  parseRecordingEvent,
  parseRelayActionCallback,
} from './call-events.ts';

describe('call event forms', () => {
  it('parses call status and flags unreached callees', () => {
    expect(
      parseCallStatusEvent({ CallSid: 'CA1', CallStatus: 'no-answer', CallDuration: '0', Foo: 'x' }),
    ).toEqual({
      callSid: 'CA1',
      callStatus: 'no-answer',
      callDuration: 0,
      sipResponseCode: undefined,
      isUnreached: true,
      extra: { Foo: 'x' },
    });
    expect(parseCallStatusEvent({ CallSid: 'CA1', CallStatus: 'completed' }).isUnreached).toBe(false);
  });

  it('parses AMD results', () => {
    expect(
      parseAmdEvent({ CallSid: 'CA1', AnsweredBy: 'machine_start', MachineDetectionDuration: '2100' }),
    ).toMatchObject({
      answeredBy: 'machine_start',
      machineDetectionDuration: 2100,
      isMachine: true,
    });
    expect(parseAmdEvent({ CallSid: 'CA1', AnsweredBy: 'human' }).isMachine).toBe(false);
  });

  it('parses recording callbacks', () => {
    expect(
      parseRecordingEvent({
        CallSid: 'CA1',
        RecordingSid: 'RE1',
        RecordingUrl: 'https://r',
        RecordingStatus: 'completed',
        RecordingDuration: '7',
      }),
    ).toMatchObject({
      recordingSid: 'RE1',
      recordingUrl: 'https://r',
      recordingStatus: 'completed',
      recordingDuration: 7,
    });
  });

  it('reads HandoffData as JSON when it is JSON, verbatim otherwise', () => {
    const json = parseRelayActionCallback({
      CallSid: 'CA1',
      SessionStatus: 'ended',
      HandoffData: '{"reason":"human"}',
    });
    expect(json).toMatchObject({
      sessionStatus: 'ended',
      handoffData: { reason: 'human' },
      handoffDataRaw: '{"reason":"human"}',
    });
    expect(parseRelayActionCallback({ CallSid: 'CA1', HandoffData: 'plain' }).handoffData).toBe('plain');
    expect(parseRelayActionCallback({ CallSid: 'CA1', SessionDuration: '35' })).toMatchObject({
      handoffData: undefined,
      sessionDuration: 35,
    });
  });

  it('takes the first value of repeated keys and refuses forms without CallSid', () => {
    expect(parseInboundCallRequest({ CallSid: ['CA1', 'CA2'], From: '+1555' })).toMatchObject({
      callSid: 'CA1',
      from: '+1555',
    });
    expect(() => parseCallStatusEvent({ CallStatus: 'ringing' })).toThrow(
      expect.objectContaining({ code: 'TAC_ERR_WEBHOOK_INVALID' }),
    );
  });
});
