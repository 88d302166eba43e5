import type { FastifyInstance } from 'fastify';
import { notFound, TwilioHttpError } from '../http/twilio-error.ts';
import { sid } from '../util/ids.ts';
import type { StudioExecution, StudioStore } from './studio-store.ts';
import { recordVoiceHandoff } from './studio-webhook.ts';

const FLOW_SID = /^FW[0-9a-f]{32}$/;

function resource(e: StudioExecution, accountSid: string) {
  const url = `https://studio.twilio.com/v2/Flows/${e.flowSid}/Executions/${e.sid}`;
  return {
    sid: e.sid,
    account_sid: accountSid,
    flow_sid: e.flowSid,
    contact_sid: sid('FC'),
    contact_channel_address: e.to,
    context: {},
    status: 'active',
    date_created: e.createdAt,
    date_updated: e.createdAt,
    url,
    links: { steps: `${url}/Steps`, execution_context: `${url}/Context` },
  };
}

type FlowParams = { Params: { flow: string } };

/**
 * Register Studio routes: `POST /v2/Flows/{FW}/Executions` (form-encoded),
 * fetch, and the voice handoff webhook `POST /v1/Accounts/{AC}/Flows/{FW}`
 * (served without Basic auth, as Twilio sends none: `isStudioWebhookRequest`).
 */
export function registerStudioRoutes(app: FastifyInstance, store: StudioStore, accountSid: string): void {
  app.post<FlowParams>('/v2/Flows/:flow/Executions', async (req, reply) => {
    const { flow } = req.params;
    if (!FLOW_SID.test(flow)) throw notFound('Flow', flow);
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      throw new TwilioHttpError(400, 'Studio expects an application/x-www-form-urlencoded body');
    }
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    if (!form['To'])
      throw new TwilioHttpError(400, 'Missing required parameter To in the post body', { code: 20001 });
    if (!form['From'])
      throw new TwilioHttpError(400, 'Missing required parameter From in the post body', { code: 20001 });
    let parameters: Record<string, unknown> = {};
    if (form['Parameters'] !== undefined) {
      try {
        const parsed: unknown = JSON.parse(form['Parameters']);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        parameters = parsed as Record<string, unknown>;
      } catch {
        throw new TwilioHttpError(400, 'Parameters must be a JSON object passed as a string');
      }
    }
    const execution = store.record({
      flowSid: flow,
      to: form['To'],
      from: form['From'],
      parameters,
      trigger: 'rest',
    });
    return reply.code(201).send(resource(execution, accountSid));
  });

  // Studio's voice webhook (webhooks.twilio.com on Twilio; this origin once TWILIO_API_BASE_URL
  // points here). ConversationRelay posts its action callback to it, with no Basic auth.
  app.post<{ Params: { account: string; flow: string } }>(
    '/v1/Accounts/:account/Flows/:flow',
    async (req, reply) => {
      const { account, flow } = req.params;
      if (account !== accountSid) throw notFound('Account', account);
      if (!FLOW_SID.test(flow)) throw notFound('Flow', flow);
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        throw new TwilioHttpError(400, 'Studio webhooks expect an application/x-www-form-urlencoded body');
      }
      const form = (req.body ?? {}) as Record<string, string | undefined>;
      recordVoiceHandoff(store, flow, form);
      return reply.type('text/xml; charset=utf-8').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    },
  );

  app.get<{ Params: { flow: string; sid: string } }>('/v2/Flows/:flow/Executions/:sid', async (req) => {
    const e = store.executions.find((x) => x.sid === req.params.sid && x.flowSid === req.params.flow);
    if (!e) throw notFound('Execution', req.params.sid);
    return resource(e, accountSid);
  });
}
