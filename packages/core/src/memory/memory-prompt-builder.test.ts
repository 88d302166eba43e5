import { describe, expect, it } from 'vitest';
import { createSession } from '../session/index.ts';
import { MemoryPromptBuilder } from './memory-prompt-builder.ts';
import { TACMemoryResponse } from './tac-memory-response.ts';

const session = createSession({
  conversationId: 'conv_1',
  channel: 'sms',
  profile: {
    id: 'mem_profile_1',
    traits: {
      Contact: { firstName: 'Alyssa', lastName: 'Mock' },
      Preferences: { language: 'en' },
    },
  },
});

const memory = new TACMemoryResponse({
  observations: [{ content: 'Prefers email over phone' }, { content: 'Has a dog named Rex' }],
  summaries: [{ content: 'Asked about a late delivery' }],
  communications: [
    { author: { type: 'CUSTOMER' }, content: { text: 'Where is my order?' }, recipients: [] },
    { author: { type: 'AI_AGENT' }, content: { text: 'It ships tomorrow.' }, recipients: [] },
    { author: {}, content: { text: 'Thanks' }, recipients: [] },
    { author: { type: 'CUSTOMER' }, content: {}, recipients: [] },
  ],
  hasMemoryFeatures: true,
});

const FULL = `# Customer Context
You have access to the following information about this customer from previous interactions:

## Customer Profile
Information about this customer:
- Contact: {"firstName":"Alyssa","lastName":"Mock"}
- Preferences: {"language":"en"}

## Key Observations
Important notes about the customer from previous interactions:
- Prefers email over phone
- Has a dog named Rex

## Past Conversation Summaries
Summaries of previous conversations with this customer:
- Asked about a late delivery

## Recent Message History
Recent messages exchanged with this customer:
User: Where is my order?
Assistant: It ships tomorrow.
Assistant: Thanks`;

describe('MemoryPromptBuilder.build', () => {
  it('produces the reference text with every section', () => {
    expect(MemoryPromptBuilder.build(memory, session)).toBe(FULL);
  });

  it('omits empty sections', () => {
    const onlyObservations = new TACMemoryResponse({ observations: [{ content: 'VIP customer' }] });
    expect(MemoryPromptBuilder.build(onlyObservations)).toBe(
      `# Customer Context
You have access to the following information about this customer from previous interactions:

## Key Observations
Important notes about the customer from previous interactions:
- VIP customer`,
    );
  });

  it('returns an empty string when there is nothing to say', () => {
    expect(MemoryPromptBuilder.build()).toBe('');
    expect(
      MemoryPromptBuilder.build(
        TACMemoryResponse.empty(),
        createSession({ conversationId: 'c', channel: 'sms' }),
      ),
    ).toBe('');
  });

  it('filters trait groups with profileTraits', () => {
    const onlyProfile = (profileTraits?: readonly string[] | null) =>
      MemoryPromptBuilder.build(undefined, session, profileTraits === undefined ? {} : { profileTraits });
    expect(onlyProfile(['Preferences'])).toBe(
      `# Customer Context
You have access to the following information about this customer from previous interactions:

## Customer Profile
Information about this customer:
- Preferences: {"language":"en"}`,
    );
    expect(onlyProfile([])).toBe('');
    expect(onlyProfile(null)).toBe('');
    expect(onlyProfile(undefined)).toContain(
      '- Contact: {"firstName":"Alyssa","lastName":"Mock"}\n- Preferences:',
    );
    expect(onlyProfile(['Unknown'])).toBe('');
  });

  it('labels every fallback (Orchestrator) message as Assistant, as TAC does', () => {
    const fallback = TACMemoryResponse.fromCommunications({
      communications: [{ author: { address: '+15557654321', channel: 'SMS' }, content: { text: 'Hi' } }],
    });
    expect(MemoryPromptBuilder.build(fallback)).toBe(
      `# Customer Context
You have access to the following information about this customer from previous interactions:

## Recent Message History
Recent messages exchanged with this customer:
Assistant: Hi`,
    );
  });
});

describe('MemoryPromptBuilder.compose', () => {
  it('joins the system prompt and the memory with a blank line', () => {
    expect(MemoryPromptBuilder.compose('You are a helpful agent.', memory, session)).toBe(
      `You are a helpful agent.\n\n${FULL}`,
    );
  });

  it('returns whichever exists', () => {
    expect(MemoryPromptBuilder.compose('Be brief.', TACMemoryResponse.empty(), undefined)).toBe('Be brief.');
    expect(MemoryPromptBuilder.compose('', memory, session)).toBe(FULL);
    expect(MemoryPromptBuilder.compose(undefined, undefined, undefined)).toBe('');
  });
});
