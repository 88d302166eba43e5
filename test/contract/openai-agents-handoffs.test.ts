import { Agent } from '@openai/agents';
import { defineTool } from '@tac/core';
import { wrapOpenAIAgent } from '@tac/openai-agents';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import './adapters.ts'; // disables OpenAI Agents tracing (offline)
import { type ContractApp, startContractApp } from './contract-app.ts';
import { CopyingSessionStore } from './copying-session-store.ts';
import { OpenAIAgentsScriptedModel } from './models/openai-agents-model.ts';
import { lastUserText, recordScript } from './models/script.ts';

describe('@tac/openai-agents: handoffs between the user agents', () => {
  let app: ContractApp | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it.each([
    ['sms', 'in-memory'],
    ['voice', 'in-memory'],
    // A store that hands out copies (Redis-like): the active agent survives only if it is written back.
    ['sms', 'copying'],
    ['voice', 'copying'],
  ] as const)(
    'hand off within a turn, keep TAC tools after it, and stay with the new agent (%s, %s store)',
    async (channel, store) => {
      const seen: string[] = [];
      const refund = defineTool({
        name: 'issue_refund',
        description: 'Refund an order',
        parameters: z.object({ orderNumber: z.string() }),
        execute: async ({ orderNumber }, { session }) => {
          seen.push(`${orderNumber}@${session.conversationId}`);
          return { refunded: true };
        },
      });
      const recorder = recordScript((view) => {
        if (!view.system.startsWith('Billing.')) {
          return { toolCalls: [{ id: 'call_transfer', name: 'transfer_to_billing', args: {} }] };
        }
        const refunded = view.messages.some((m) => m.role === 'tool' && m.toolCallId === 'call_refund');
        if (lastUserText(view) === 'Refund order A1' && !refunded) {
          return { toolCalls: [{ id: 'call_refund', name: 'issue_refund', args: { orderNumber: 'A1' } }] };
        }
        return {
          text: ['Billing: ', lastUserText(view) === 'Refund order A1' ? 'refunded.' : 'invoice sent.'],
        };
      });
      const model = new OpenAIAgentsScriptedModel(recorder);
      const billing = new Agent({ name: 'billing', instructions: 'Billing.', model });
      const support = new Agent({ name: 'support', instructions: 'Support.', model, handoffs: [billing] });
      const sessionStore = store === 'copying' ? new CopyingSessionStore() : undefined;
      app = await startContractApp(wrapOpenAIAgent(support, { tools: [refund] }), {}, { sessionStore });

      const conversation = await app.open(channel);
      expect(await conversation.send('Refund order A1')).toBe('Billing: refunded.');
      expect(seen).toEqual([`A1@${conversation.id}`]);
      expect(recorder.views[1]?.tools).toContain('issue_refund');
      // Turn 2 starts with billing directly: no second transfer.
      expect(await conversation.send('And the invoice?')).toBe('Billing: invoice sent.');
      expect(recorder.views.map((v) => v.system.split(/\s/)[0])).toEqual([
        'Support.',
        'Billing.',
        'Billing.',
        'Billing.',
      ]);
      expect(support.tools).toEqual([]);
    },
  );
});
