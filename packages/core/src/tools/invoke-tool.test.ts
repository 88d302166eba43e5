import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TurnAbortReason } from '../turn/turn-abort.ts';
import { createTestTAC, storedSession, toolContext } from './__fixtures__/fake-twilio.ts';
import { defineTool } from './define-tool.ts';
import { invokeTool } from './invoke-tool.ts';
import { safeJsonStringify } from './safe-json.ts';
import { DEFAULT_MAX_TOOL_OUTPUT_CHARS } from './tool-output.ts';

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

  it('says why a tool was cancelled: the turn timed out is not an interruption', async () => {
    const { tac, session } = await setup();
    const stuck = defineTool('stuck', 'Never finishes', { type: 'object' }, () => new Promise(() => {}));
    const why = async (reason: unknown) => {
      const controller = new AbortController();
      const pending = invokeTool(stuck, {}, toolContext(tac, session, controller.signal));
      controller.abort(reason);
      const result = await pending;
      return result.ok ? '' : result.error;
    };
    expect(await why(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(
      'Tool "stuck" was cancelled because the turn timed out.',
    );
    expect(await why(new TurnAbortReason('superseded'))).toBe(
      'Tool "stuck" was cancelled because a newer customer message arrived.',
    );
    expect(await why(new TurnAbortReason('interrupted'))).toBe(
      'Tool "stuck" was cancelled because the caller interrupted.',
    );
  });

  it('returns a JSON-safe copy of an output holding a bigint or a cycle', async () => {
    const { tac, session } = await setup();
    const shared = { currency: 'USD' };
    const account: Record<string, unknown> = { cents: 1234n, a: shared, b: shared };
    account['self'] = account;
    const balance = defineTool('balance', 'Balance', { type: 'object' }, () => account);
    const result = await invokeTool(balance, {}, toolContext(tac, session));
    expect(result).toEqual({
      ok: true,
      output: { cents: '1234', a: { currency: 'USD' }, b: { currency: 'USD' }, self: '[Circular]' },
    });
    // What a JSON session store does with it.
    expect(() => JSON.stringify(result)).not.toThrow();
  });

  it('cuts an output longer than maxOutputChars and says how much was cut', async () => {
    const { tac, session } = await setup();
    const dump = defineTool('dump', 'Everything', { type: 'object' }, () => 'x'.repeat(5_000_000));
    const result = await invokeTool(dump, {}, toolContext(tac, session));
    const output = result.ok ? (result.output as string) : '';
    expect(output.startsWith('x'.repeat(DEFAULT_MAX_TOOL_OUTPUT_CHARS))).toBe(true);
    expect(output.slice(DEFAULT_MAX_TOOL_OUTPUT_CHARS)).toBe(
      `…[truncated ${5_000_000 - DEFAULT_MAX_TOOL_OUTPUT_CHARS} characters]`,
    );

    const rows = defineTool('rows', 'Rows', { type: 'object' }, () => ({ rows: Array(100).fill('row') }));
    const cut = await invokeTool(rows, {}, toolContext(tac, session), { maxOutputChars: 20 });
    expect(cut).toEqual({ ok: true, output: '{"rows":["row","row"…[truncated 590 characters]' });
    const whole = await invokeTool(rows, {}, toolContext(tac, session), { maxOutputChars: 610 });
    expect(whole.ok && whole.output).toEqual({ rows: Array(100).fill('row') });
  });
});

describe('safeJsonStringify', () => {
  it('writes bigints as strings, marks cycles, and keeps shared (non-cyclic) objects', () => {
    const leaf = { n: 1n };
    const root: Record<string, unknown> = { list: [leaf, leaf], nested: { up: null as unknown } };
    (root['nested'] as { up: unknown }).up = root;
    expect(safeJsonStringify(root)).toBe('{"list":[{"n":"1"},{"n":"1"}],"nested":{"up":"[Circular]"}}');
    expect(safeJsonStringify(10n)).toBe('"10"');
    expect(safeJsonStringify(undefined)).toBe('null');
    expect(safeJsonStringify({ a: [1, 'two', { b: true }] })).toBe(
      JSON.stringify({ a: [1, 'two', { b: true }] }),
    );
  });

  it('never throws, even for a value whose toJSON throws', () => {
    const bad = {
      toJSON() {
        throw new Error('no JSON for you');
      },
    };
    expect(safeJsonStringify(bad)).toBe('"[unserializable value: no JSON for you]"');
  });
});
