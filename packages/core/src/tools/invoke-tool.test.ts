import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestTAC, storedSession, toolContext } from './__fixtures__/fake-twilio.ts';
import { defineTool } from './define-tool.ts';
import { invokeTool } from './invoke-tool.ts';

const calls: unknown[] = [];
const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'Find an order',
  parameters: z.object({ orderNumber: z.string() }),
  execute: async ({ orderNumber }, { session }) => {
    calls.push(orderNumber);
    if (orderNumber === 'boom') throw new Error('order service is down');
    return { orderNumber, status: 'shipped', conversationId: session.conversationId };
  },
});

async function setup() {
  const { tac } = await createTestTAC({ orchestrated: false });
  const session = await storedSession(tac);
  const errors: { message: string; context: Record<string, unknown> }[] = [];
  tac.onError((error, context) => {
    errors.push({ message: error.message, context });
  });
  return { tac, session, errors };
}

describe('invokeTool', () => {
  it('executes with validated arguments and the conversation context', async () => {
    const { tac, session } = await setup();
    expect(await invokeTool(lookupOrder, { orderNumber: 'A1' }, toolContext(tac, session))).toEqual({
      ok: true,
      output: { orderNumber: 'A1', status: 'shipped', conversationId: 'conv_conversation_1' },
    });
  });

  it('accepts arguments as a JSON string, as models send them', async () => {
    const { tac, session } = await setup();
    const result = await invokeTool(lookupOrder, '{"orderNumber":"A2"}', toolContext(tac, session));
    expect(result.ok && (result.output as { orderNumber: string }).orderNumber).toBe('A2');
  });

  it('turns invalid arguments into an error result the model can act on, without executing', async () => {
    const { tac, session } = await setup();
    calls.length = 0;
    expect(await invokeTool(lookupOrder, { orderNumber: 42 }, toolContext(tac, session))).toEqual({
      ok: false,
      code: 'TAC_ERR_TOOL_INVALID_ARGS',
      error:
        'Invalid arguments for tool "lookup_order": orderNumber: Invalid input: expected string, received number. ' +
        'Fix the arguments and call the tool again.',
    });
    const notJson = await invokeTool(lookupOrder, '{orderNumber:', toolContext(tac, session));
    expect(!notJson.ok && notJson.error).toMatch(
      /^Invalid arguments for tool "lookup_order": arguments are not valid JSON/,
    );
    expect(calls).toEqual([]);
  });

  it('turns a thrown error into an error result and reports it to onError', async () => {
    const { tac, session, errors } = await setup();
    expect(await invokeTool(lookupOrder, { orderNumber: 'boom' }, toolContext(tac, session))).toEqual({
      ok: false,
      code: 'TAC_ERR_TOOL_FAILED',
      error: 'Tool "lookup_order" failed: order service is down',
    });
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual([
      {
        message: 'Tool "lookup_order" failed: order service is down',
        context: {
          conversationId: 'conv_conversation_1',
          channel: 'sms',
          stage: 'tool',
          tool: 'lookup_order',
        },
      },
    ]);
  });

  it('returns cancelled without running when the signal already fired', async () => {
    const { tac, session } = await setup();
    calls.length = 0;
    const controller = new AbortController();
    controller.abort();
    const result = await invokeTool(
      lookupOrder,
      { orderNumber: 'A1' },
      toolContext(tac, session, controller.signal),
    );
    expect(result).toMatchObject({ ok: false, code: 'TAC_ERR_ABORTED' });
    expect(calls).toEqual([]);
  });

  it('returns cancelled promptly when the turn is aborted, even if the tool ignores the signal', async () => {
    const { tac, session } = await setup();
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const stuck = defineTool('stuck', 'Never finishes', { type: 'object' }, () => {
      started();
      return new Promise(() => {});
    });
    const controller = new AbortController();
    const pending = invokeTool(stuck, {}, toolContext(tac, session, controller.signal));
    await running;
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ ok: false, code: 'TAC_ERR_ABORTED' });
    expect(!result.ok && result.error).toContain('cancelled');
  });

  it('treats a throw caused by the abort as cancelled, not as a failure', async () => {
    const { tac, session, errors } = await setup();
    const controller = new AbortController();
    const fetchLike = defineTool(
      'fetch_like',
      'Honours the signal',
      { type: 'object' },
      (_input, { signal }) => {
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
      },
    );
    const pending = invokeTool(fetchLike, {}, toolContext(tac, session, controller.signal));
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, code: 'TAC_ERR_ABORTED' });
    expect(errors).toEqual([]);
  });
});
