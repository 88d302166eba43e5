import type { FastifyInstance } from 'fastify';
import { notFound, TwilioHttpError } from '../http/twilio-error.ts';
import type { CallRegistry } from './call-registry.ts';
import { type FormBody, field, fields, flatten } from './form.ts';

const TO = /^(\+[1-9]\d{6,14}|client:.+|sip:.+)$/;

type AccountParams = { Params: { ac: string } };
type CallParams = { Params: { ac: string; sid: string } };

/** Register `…/Calls.json` (create, list) and `…/Calls/{sid}.json` (fetch, update) of the 2010-04-01 API. */
export function registerCallRoutes(app: FastifyInstance, calls: CallRegistry, accountSid: string): void {
  const checkAccount = (ac: string) => {
    if (ac !== accountSid) throw notFound('Account', ac);
  };

  app.post<AccountParams>('/2010-04-01/Accounts/:ac/Calls.json', async (req, reply) => {
    checkAccount(req.params.ac);
    const form = (req.body ?? {}) as FormBody;
    const to = field(form, 'To');
    const from = field(form, 'From');
    if (!to) throw new TwilioHttpError(400, "A 'To' phone number is required.", { code: 21201 });
    if (!TO.test(to))
      throw new TwilioHttpError(400, `The 'To' number ${to} is not a valid phone number.`, { code: 21211 });
    if (!from) throw new TwilioHttpError(400, "A 'From' phone number is required.", { code: 21213 });
    const twiml = field(form, 'Twiml');
    const url = field(form, 'Url');
    if (!twiml && !url && !field(form, 'ApplicationSid')) {
      throw new TwilioHttpError(400, 'Either Url, Twiml or ApplicationSid is required.', { code: 21205 });
    }
    const record = calls.add({
      direction: 'outbound-api',
      to,
      from,
      status: 'queued',
      twiml,
      url,
      method: field(form, 'Method') === 'GET' ? 'GET' : 'POST',
      params: flatten(form),
      statusCallback: field(form, 'StatusCallback'),
      statusCallbackEvents: fields(form, 'StatusCallbackEvent').flatMap((e) => e.split(' ')),
      statusCallbackMethod: field(form, 'StatusCallbackMethod') === 'GET' ? 'GET' : 'POST',
    });
    // Twilio answers `queued`; dialing (and the `initiated` callback) happens right after.
    const resource = calls.resource(record);
    setImmediate(() => void calls.transition(record, 'initiated'));
    return reply.code(201).send(resource);
  });

  app.get<AccountParams>('/2010-04-01/Accounts/:ac/Calls.json', async (req) => {
    checkAccount(req.params.ac);
    return {
      calls: calls.all.map((c) => calls.resource(c)),
      page: 0,
      page_size: 50,
      uri: `/2010-04-01/Accounts/${accountSid}/Calls.json`,
    };
  });

  app.get<CallParams>('/2010-04-01/Accounts/:ac/Calls/:sid.json', async (req) => {
    checkAccount(req.params.ac);
    const record = calls.get(req.params.sid);
    if (!record) throw notFound('Call', req.params.sid);
    return calls.resource(record);
  });

  app.post<CallParams>('/2010-04-01/Accounts/:ac/Calls/:sid.json', async (req) => {
    checkAccount(req.params.ac);
    const record = calls.get(req.params.sid);
    if (!record) throw notFound('Call', req.params.sid);
    const form = (req.body ?? {}) as FormBody;
    const status = field(form, 'Status');
    if (status !== undefined && status !== 'completed' && status !== 'canceled') {
      throw new TwilioHttpError(400, `Status must be completed or canceled, got "${status}"`, {
        code: 20001,
      });
    }
    const twiml = field(form, 'Twiml');
    const url = field(form, 'Url');
    if (twiml) record.twiml = twiml;
    if (url) record.url = url;
    if (status) {
      const live = record.status === 'in-progress';
      if (live && calls.onRemoteHangup) await calls.onRemoteHangup(record.sid);
      // Canceling only applies to calls not answered yet; an answered call is completed either way.
      await calls.transition(record, live || status === 'completed' ? 'completed' : 'canceled');
    }
    return calls.resource(record);
  });
}
