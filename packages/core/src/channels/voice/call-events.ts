import { TACError, TACErrorCode } from '../../errors/index.ts';

/** A form body as Twilio posts it (repeated keys become arrays). */
export type TwilioForm = Record<string, string | string[] | undefined>;

/** First value of a form field. */
export function formValue(form: TwilioForm, key: string): string | undefined {
  const v = form[key];
  return Array.isArray(v) ? v[0] : v;
}

function requireCallSid(form: TwilioForm, what: string): string {
  const callSid = formValue(form, 'CallSid');
  if (!callSid) {
    throw new TACError(TACErrorCode.WEBHOOK_INVALID, `${what} without CallSid`, { context: { what } });
  }
  return callSid;
}

function numberOf(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function extraOf(form: TwilioForm, known: readonly string[]): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const key of Object.keys(form)) {
    const v = formValue(form, key);
    if (!known.includes(key) && v !== undefined) extra[key] = v;
  }
  return extra;
}

/** An incoming call's TwiML request (`POST /twiml`), for the per-call customizer. */
export interface InboundCallRequest {
  callSid: string;
  accountSid?: string;
  from?: string;
  to?: string;
  direction?: string;
  /** Every form field as posted (`CallerCity`, `ApplicationSid`, …). */
  params: Record<string, string>;
}

/** Parse the TwiML request form. */
export function parseInboundCallRequest(form: TwilioForm): InboundCallRequest {
  return {
    callSid: requireCallSid(form, 'TwiML request'),
    accountSid: formValue(form, 'AccountSid'),
    from: formValue(form, 'From'),
    to: formValue(form, 'To'),
    direction: formValue(form, 'Direction'),
    params: extraOf(form, []),
  };
}

/** `POST {voiceCallEventPath}/status`: a call progress callback. */
export interface CallStatusEvent {
  callSid: string;
  /** `queued`, `initiated`, `ringing`, `in-progress`, `completed`, `busy`, `no-answer`, `failed`, `canceled`. */
  callStatus: string;
  callDuration?: number;
  sipResponseCode?: string;
  /** The callee was never reached (busy, no-answer, failed, canceled). */
  isUnreached: boolean;
  /** Other form fields. */
  extra: Record<string, string>;
}

const UNREACHED = new Set(['busy', 'no-answer', 'failed', 'canceled']);

/** Parse a call status callback form. */
export function parseCallStatusEvent(form: TwilioForm): CallStatusEvent {
  const callStatus = formValue(form, 'CallStatus') ?? '';
  return {
    callSid: requireCallSid(form, 'Call status callback'),
    callStatus,
    callDuration: numberOf(formValue(form, 'CallDuration')),
    sipResponseCode: formValue(form, 'SipResponseCode'),
    isUnreached: UNREACHED.has(callStatus),
    extra: extraOf(form, ['CallSid', 'CallStatus', 'CallDuration', 'SipResponseCode']),
  };
}

/** `POST {voiceCallEventPath}/amd`: answering-machine detection result (async AMD). */
export interface AmdEvent {
  callSid: string;
  /** `human`, `machine_start`, `machine_end_beep`, `fax`, `unknown`, … */
  answeredBy: string;
  machineDetectionDuration?: number;
  /** `answeredBy` starts with `machine`. */
  isMachine: boolean;
  extra: Record<string, string>;
}

/** Parse an async AMD callback form. */
export function parseAmdEvent(form: TwilioForm): AmdEvent {
  const answeredBy = formValue(form, 'AnsweredBy') ?? 'unknown';
  return {
    callSid: requireCallSid(form, 'AMD callback'),
    answeredBy,
    machineDetectionDuration: numberOf(formValue(form, 'MachineDetectionDuration')),
    isMachine: answeredBy.startsWith('machine'),
    extra: extraOf(form, ['CallSid', 'AnsweredBy', 'MachineDetectionDuration']),
  };
}

/** `POST {voiceCallEventPath}/recording`: a recording status callback. */
export interface RecordingEvent {
  callSid: string;
  recordingSid?: string;
  recordingUrl?: string;
  /** `in-progress`, `completed`, `absent`, `failed`. */
  recordingStatus?: string;
  recordingDuration?: number;
  extra: Record<string, string>;
}

/** Parse a recording status callback form. */
export function parseRecordingEvent(form: TwilioForm): RecordingEvent {
  return {
    callSid: requireCallSid(form, 'Recording callback'),
    recordingSid: formValue(form, 'RecordingSid'),
    recordingUrl: formValue(form, 'RecordingUrl'),
    recordingStatus: formValue(form, 'RecordingStatus'),
    recordingDuration: numberOf(formValue(form, 'RecordingDuration')),
    extra: extraOf(form, ['CallSid', 'RecordingSid', 'RecordingUrl', 'RecordingStatus', 'RecordingDuration']),
  };
}

/** `POST /conversation-relay-callback`: the `<Connect action>` request when a session ends (reference §3). */
export interface RelayActionCallback {
  callSid: string;
  accountSid?: string;
  /** Lowercase call status, e.g. `in-progress` or `completed`. */
  callStatus?: string;
  /** `ended` (the app sent `end`), `completed` (caller hung up) or `failed`. */
  sessionStatus?: string;
  sessionId?: string;
  /** Seconds. */
  sessionDuration?: number;
  /** The `end` frame's `handoffData`, parsed as JSON when it is JSON. */
  handoffData?: unknown;
  /** The raw `HandoffData` string. */
  handoffDataRaw?: string;
  errorCode?: string;
  errorMessage?: string;
  /** Every form field as posted. */
  params: Record<string, string>;
}

/** Parse the action callback form. */
export function parseRelayActionCallback(form: TwilioForm): RelayActionCallback {
  const raw = formValue(form, 'HandoffData');
  let handoffData: unknown = raw;
  if (raw) {
    try {
      handoffData = JSON.parse(raw);
    } catch {
      // Not JSON: hand it on as the string ConversationRelay forwarded.
    }
  }
  return {
    callSid: requireCallSid(form, 'ConversationRelay callback'),
    accountSid: formValue(form, 'AccountSid'),
    callStatus: formValue(form, 'CallStatus'),
    sessionStatus: formValue(form, 'SessionStatus'),
    sessionId: formValue(form, 'SessionId'),
    sessionDuration: numberOf(formValue(form, 'SessionDuration')),
    handoffData: raw ? handoffData : undefined,
    handoffDataRaw: raw || undefined,
    errorCode: formValue(form, 'ErrorCode'),
    errorMessage: formValue(form, 'ErrorMessage'),
    params: extraOf(form, []),
  };
}
