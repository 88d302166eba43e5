import type { FastifyInstance } from 'fastify';
import { notFound, TwilioHttpError } from '../http/twilio-error.ts';
import { newId } from '../util/ids.ts';
import { rfc2822 } from '../util/time.ts';
import { type FormBody, field, fields, flatten } from './form.ts';

/** A message sent through the Messages API (`emu.messages.sent`). */
export interface SentMessage {
  sid: string;
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body?: string;
  mediaUrls: string[];
  /** Every form parameter (first values). */
  params: Record<string, string>;
  dateCreated: Date;
}

const TO = /^((whatsapp|rcs|messenger):)?\+?[\w.@-]+$/;

function resource(m: SentMessage, accountSid: string) {
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: m.body ?? '',
    date_created: rfc2822(m.dateCreated),
    date_sent: null,
    date_updated: rfc2822(m.dateCreated),
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: m.from ?? null,
    messaging_service_sid: m.messagingServiceSid ?? null,
    num_media: String(m.mediaUrls.length),
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: 'queued',
    subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`,
  };
}

type AccountParams = { Params: { ac: string } };

/** Register `…/Messages.json` (create) and `…/Messages/{sid}.json` (fetch). */
export function registerMessageRoutes(app: FastifyInstance, sent: SentMessage[], accountSid: string): void {
  const checkAccount = (ac: string) => {
    if (ac !== accountSid) throw notFound('Account', ac);
  };

  app.post<AccountParams>('/2010-04-01/Accounts/:ac/Messages.json', async (req, reply) => {
    checkAccount(req.params.ac);
    const form = (req.body ?? {}) as FormBody;
    const to = field(form, 'To');
    const from = field(form, 'From');
    const messagingServiceSid = field(form, 'MessagingServiceSid');
    const body = field(form, 'Body');
    const mediaUrls = fields(form, 'MediaUrl');
    if (!to) throw new TwilioHttpError(400, "A 'To' phone number is required.", { code: 21604 });
    if (!TO.test(to))
      throw new TwilioHttpError(400, `The 'To' number ${to} is not a valid phone number.`, { code: 21211 });
    if (!from && !messagingServiceSid) {
      throw new TwilioHttpError(400, "A 'From' phone number is required.", { code: 21603 });
    }
    if (!body && mediaUrls.length === 0 && !field(form, 'ContentSid')) {
      throw new TwilioHttpError(400, 'Message body is required.', { code: 21602 });
    }
    const message: SentMessage = {
      sid: newId.message(),
      to,
      from,
      messagingServiceSid,
      body,
      mediaUrls,
      params: flatten(form),
      dateCreated: new Date(),
    };
    sent.push(message);
    return reply.code(201).send(resource(message, accountSid));
  });

  app.get<{ Params: { ac: string; sid: string } }>(
    '/2010-04-01/Accounts/:ac/Messages/:sid.json',
    async (req) => {
      checkAccount(req.params.ac);
      const m = sent.find((x) => x.sid === req.params.sid);
      if (!m) throw notFound('Message', req.params.sid);
      return resource(m, accountSid);
    },
  );
}
