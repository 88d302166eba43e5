/**
 * The playground in a real browser: Debian's chromium, headless, driven by
 * playwright-core, against a playground started in this process. It holds a
 * call (streamed tokens, a knowledge search, barge-in, DTMF, a handoff) and an
 * SMS conversation (greeting from memory, handoff), and checks the side panel.
 *
 * Needs /usr/bin/chromium (`.ci/run` installs it). Without it the suite fails,
 * unless TAC_SKIP_BROWSER=1 is set (local runs only).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumPath,
  hasChromium,
  type LocalBrowser,
  launchChromium,
} from '../../examples/playground/browser/index.ts';
import { type Playground, startPlayground } from '../../examples/playground/playground.ts';

const skip = process.env.TAC_SKIP_BROWSER === '1';

/** Records every text the call's agent bubbles go through, to prove tokens arrive one by one. */
const RECORD_STREAMING = () => {
  const w = window as unknown as { __callTexts: string[] };
  w.__callTexts = [];
  new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target.nodeType === 1 ? (record.target as Element) : record.target.parentElement;
      const bubble = node?.closest('[data-testid="call-agent"]');
      if (bubble) w.__callTexts.push(bubble.textContent ?? '');
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

describe.skipIf(skip)('playground in a real browser', { timeout: 45_000 }, () => {
  let playground: Playground;
  let browser: LocalBrowser;
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium()) {
      throw new Error(
        `The browser test needs chromium at ${chromiumPath()} (apt-get install -y chromium; .ci/run installs it). ` +
          'Set TAC_SKIP_BROWSER=1 to skip it locally.',
      );
    }
    // Slow enough that a reply is still streaming when the test barges in.
    playground = await startPlayground({ port: 0, tokenDelayMs: 40, logLevel: 'silent' });
    browser = await launchChromium();
    page = await browser.context.newPage();
    // Generous: CI runs this next to every other suite on two cores.
    page.setDefaultTimeout(30_000);
    await page.addInitScript(RECORD_STREAMING);
    await page.goto(playground.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
  });

  const agentReply = (text: string) =>
    page.locator('[data-testid="call-agent"][data-done="true"]', { hasText: text }).waitFor();

  it('shows the mode and the seeded customer', async () => {
    await page.getByTestId('mode').filter({ hasText: 'Offline demo model' }).waitFor();
    await page.getByTestId('customer-profile').filter({ hasText: 'Maya Patel' }).waitFor();
    expect(await page.title()).toBe('TAC Playground');
  });

  it('holds a call: streamed tokens, a knowledge search in the side panel, and latency', async () => {
    await page.getByTestId('call-start').click();
    await page.getByTestId('call-status').filter({ hasText: 'On call' }).waitFor();
    await page.locator('[data-testid="call-agent"][data-greeting="true"]').waitFor();

    await page.getByTestId('call-input').fill('What are your store hours?');
    await page.getByTestId('call-say').click();
    await agentReply('9am to 7pm');

    const final =
      (await page.locator('[data-testid="call-agent"][data-done="true"]').last().textContent()) ?? '';
    expect(final).toMatch(/^Hi Maya! Here's what I found: Store hours/);
    const texts = await page.evaluate(() => (window as unknown as { __callTexts: string[] }).__callTexts);
    const partials = new Set(
      texts.filter((t) => t.length > 0 && t.length < final.length && final.startsWith(t)),
    );
    expect(partials.size).toBeGreaterThan(3);

    const tool = page.locator('[data-testid="tool-call"][data-tool="search_knowledge"]');
    await tool.locator('[data-testid="tool-result"]').waitFor();
    expect(await tool.locator('[data-testid="tool-args"]').textContent()).toContain(
      'What are your store hours?',
    );
    await page.getByTestId('knowledge-hit').filter({ hasText: 'Store hours' }).waitFor();
    await page.getByTestId('latency-row').first().waitFor();
    expect(await page.getByTestId('latency-first-token').first().textContent()).toMatch(/^\d+ ms$/);
    await page.getByTestId('memory-source').filter({ hasText: 'Conversation Memory' }).waitFor();
  });

  it('barges in when the caller speaks over the agent', async () => {
    await page.getByTestId('call-input').fill('What is your returns policy?');
    await page.getByTestId('call-say').click();
    // Speak as soon as the agent has started talking.
    await page.locator('[data-testid="call-agent"].streaming', { hasText: /\w/ }).waitFor();
    await page.getByTestId('call-input').fill('Actually, how much is shipping?');
    await page.getByTestId('call-say').click();

    await page.locator('[data-testid="call-agent"].interrupted').waitFor();
    await page.getByTestId('call-note').filter({ hasText: 'Barge-in' }).waitFor();
    await agentReply('standard shipping is free');
  });

  it('sends DTMF from the keypad', async () => {
    await page.getByTestId('keypad-toggle').click();
    await page.getByTestId('dtmf-5').click();
    await agentReply('You pressed 5.');
  });

  it('texts over SMS: the agent greets the customer from memory', async () => {
    await page.getByTestId('msg-input').fill('Hello!');
    await page.getByTestId('msg-send').click();
    await page.getByTestId('msg-agent').filter({ hasText: 'Hi Maya, welcome back!' }).waitFor();
    expect(await page.getByTestId('msg-customer').first().textContent()).toBe('Hello!');
  });

  it('hands off to a human over SMS: tool call, Studio execution and a note in the thread', async () => {
    await page.getByTestId('msg-input').fill('Can I speak to a person?');
    await page.getByTestId('msg-send').click();
    await page.getByTestId('msg-agent').filter({ hasText: 'connecting you' }).waitFor();
    await page.locator('[data-testid="tool-call"][data-tool="handoff"][data-channel="sms"]').waitFor();
    await page.getByTestId('handoff').filter({ hasText: 'Handoff from sms' }).waitFor();
    await page.getByTestId('handoff').filter({ hasText: 'Studio execution' }).waitFor();
    await page.getByTestId('msg-note').filter({ hasText: 'Handed off to a human agent' }).waitFor();
    expect(playground.emulator.studio.executions.some((e) => e.trigger === 'rest')).toBe(true);
  });

  it('starts a new SMS conversation after the handoff', async () => {
    await page.getByTestId('msg-reset').click();
    await page.getByTestId('msg-note').filter({ hasText: 'New conversation' }).waitFor();
    await page.getByTestId('msg-input').fill('What is your returns policy?');
    await page.getByTestId('msg-send').click();
    await page.getByTestId('msg-agent').filter({ hasText: 'Returns policy' }).waitFor();
  });

  it('hands a call off to a human', async () => {
    await page.getByTestId('call-input').fill('I want to talk to a human');
    await page.getByTestId('call-say').click();
    await agentReply('connecting you');
    await page.getByTestId('call-note').filter({ hasText: 'handed off to a human' }).waitFor();
    await page.getByTestId('call-status').filter({ hasText: 'Call ended' }).waitFor();
    await page.getByTestId('handoff').filter({ hasText: 'Handoff from voice' }).waitFor();
  });
});
