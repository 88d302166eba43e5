import { newId } from '../util/ids.ts';
import { rfc2822 } from '../util/time.ts';
import type { WebhookSender } from '../webhooks/webhook-sender.ts';

/** Call statuses of the 2010-04-01 API. */
export type CallStatus =
  | 'queued'
  | 'initiated'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'failed'
  | 'no-answer'
  | 'canceled';

/** A call the emulator knows: created through the Calls API, or placed by `emu.call()`. */
export interface CallRecord {
  sid: string;
  direction: 'inbound' | 'outbound-api';
  to: string;
  from: string;
  status: CallStatus;
  /** Inline TwiML given at creation (`Twiml`). */
  twiml?: string;
  /** TwiML URL given at creation (`Url`). */
  url?: string;
  method: 'POST' | 'GET';
  /** Every form parameter of the create request (first values), for assertions. */
  params: Record<string, string>;
  statusCallback?: string;
  statusCallbackEvents: string[];
  statusCallbackMethod: 'POST' | 'GET';
  dateCreated: Date;
  startTime?: Date;
  endTime?: Date;
  answeredBy?: string;
}

const TERMINAL: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** Is a status final? */
export function isTerminal(status: CallStatus): boolean {
  return TERMINAL.has(status);
}

/** Calls known to the emulator, their REST resources and status callbacks. */
export class CallRegistry {
  /** Every call, oldest first (Calls API creations and emulated inbound calls). */
  readonly all: CallRecord[] = [];
  /** @internal Set by the voice module: end the live ConversationRelay session of a call. */
  onRemoteHangup: ((callSid: string) => Promise<void>) | undefined;
  private readonly accountSid: string;
  private readonly sender: WebhookSender;
  private readonly sequence = new Map<string, number>();

  constructor(accountSid: string, sender: WebhookSender) {
    this.accountSid = accountSid;
    this.sender = sender;
  }

  /** Calls created through the Calls API (`emu.calls.created`). */
  get created(): CallRecord[] {
    return this.all.filter((c) => c.direction === 'outbound-api');
  }

  /** Register a call. */
  add(
    input: Omit<
      CallRecord,
      'sid' | 'dateCreated' | 'statusCallbackEvents' | 'statusCallbackMethod' | 'params'
    > &
      Partial<Pick<CallRecord, 'sid' | 'statusCallbackEvents' | 'statusCallbackMethod' | 'params'>>,
  ): CallRecord {
    const record: CallRecord = {
      statusCallbackEvents: [],
      statusCallbackMethod: 'POST',
      params: {},
      ...input,
      sid: input.sid ?? newId.call(),
      dateCreated: new Date(),
    };
    this.all.push(record);
    return record;
  }

  /** A call by SID. */
  get(sid: string): CallRecord | undefined {
    return this.all.find((c) => c.sid === sid);
  }

  /** Move a call to a status and send the matching status callback (if subscribed). */
  async transition(record: CallRecord, status: CallStatus): Promise<void> {
    if (record.status === status || isTerminal(record.status)) return;
    record.status = status;
    if (status === 'in-progress') record.startTime = new Date();
    if (isTerminal(status)) record.endTime = new Date();
    const event =
      status === 'in-progress'
        ? 'answered'
        : isTerminal(status)
          ? 'completed'
          : status === 'queued'
            ? undefined
            : status;
    if (!event || !record.statusCallback) return;
    // Twilio sends `completed` whenever a StatusCallback is set; other events only when subscribed.
    if (event !== 'completed' && !record.statusCallbackEvents.includes(event)) return;
    const seq = this.sequence.get(record.sid) ?? 0;
    this.sequence.set(record.sid, seq + 1);
    const form: Record<string, string> = {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: record.sid,
      CallStatus: status,
      Called: record.to,
      Caller: record.from,
      Direction: record.direction,
      From: record.from,
      To: record.to,
      CallbackSource: 'call-progress-events',
      Timestamp: rfc2822(),
      SequenceNumber: String(seq),
    };
    if (isTerminal(status)) {
      const duration = String(this.duration(record) ?? 0);
      form['CallDuration'] = duration;
      form['Duration'] = duration;
    }
    if (record.answeredBy) form['AnsweredBy'] = record.answeredBy;
    await this.sender.send({
      kind: 'call-status',
      url: record.statusCallback,
      method: record.statusCallbackMethod,
      form,
    });
  }

  /** The Call resource JSON (snake_case, RFC 2822 dates) as the 2010-04-01 API returns it. */
  resource(record: CallRecord): Record<string, unknown> {
    const uri = `/2010-04-01/Accounts/${this.accountSid}/Calls/${record.sid}.json`;
    const duration = this.duration(record);
    return {
      sid: record.sid,
      date_created: rfc2822(record.dateCreated),
      date_updated: rfc2822(),
      parent_call_sid: null,
      account_sid: this.accountSid,
      to: record.to,
      to_formatted: record.to,
      from: record.from,
      from_formatted: record.from,
      phone_number_sid: null,
      status: record.status,
      start_time: record.startTime ? rfc2822(record.startTime) : null,
      end_time: record.endTime ? rfc2822(record.endTime) : null,
      duration: duration === undefined ? null : String(duration),
      price: null,
      price_unit: 'USD',
      direction: record.direction,
      answered_by: record.answeredBy ?? null,
      api_version: '2010-04-01',
      forwarded_from: null,
      group_sid: null,
      caller_name: null,
      queue_time: '0',
      trunk_sid: null,
      uri,
      subresource_uris: {
        notifications: uri.replace('.json', '/Notifications.json'),
        recordings: uri.replace('.json', '/Recordings.json'),
        payments: uri.replace('.json', '/Payments.json'),
        events: uri.replace('.json', '/Events.json'),
        siprec: uri.replace('.json', '/Siprec.json'),
        streams: uri.replace('.json', '/Streams.json'),
        user_defined_message_subscriptions: uri.replace('.json', '/UserDefinedMessageSubscriptions.json'),
        user_defined_messages: uri.replace('.json', '/UserDefinedMessages.json'),
      },
    };
  }

  private duration(record: CallRecord): number | undefined {
    if (!record.startTime) return isTerminal(record.status) ? 0 : undefined;
    const end = record.endTime ?? new Date();
    return Math.round((end.getTime() - record.startTime.getTime()) / 1000);
  }
}
