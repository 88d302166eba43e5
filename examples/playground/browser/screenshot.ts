/**
 * Regenerate docs/playground.png: start the playground, hold a short call and
 * an SMS exchange in headless chromium, and take a screenshot.
 *
 *   node --conditions=@tac/source examples/playground/browser/screenshot.ts [out.png]
 */
import { fileURLToPath } from 'node:url';
import { startPlayground } from '../playground.ts';
import { launchChromium } from './index.ts';

const out = process.argv[2] ?? fileURLToPath(new URL('../../../docs/playground.png', import.meta.url));

const playground = await startPlayground({ port: 0, logLevel: 'silent' });
const browser = await launchChromium({ viewport: { width: 1480, height: 960 } });
try {
  const page = await browser.context.newPage();
  await page.goto(playground.url);
  await page.getByTestId('mode').filter({ hasText: 'Offline demo model' }).waitFor();

  await page.getByTestId('call-start').click();
  await page.getByTestId('call-status').filter({ hasText: 'On call' }).waitFor();
  await page.getByTestId('call-input').fill('What are your store hours?');
  await page.getByTestId('call-say').click();
  await page.locator('[data-testid="call-agent"][data-done="true"]', { hasText: '9am to 7pm' }).waitFor();

  await page.getByTestId('msg-input').fill('Hi!');
  await page.getByTestId('msg-send').click();
  await page.getByTestId('msg-agent').filter({ hasText: 'welcome back' }).waitFor();
  await page.getByTestId('msg-input').fill('Can I speak to a person?');
  await page.getByTestId('msg-send').click();
  await page.getByTestId('msg-agent').filter({ hasText: 'connecting you' }).waitFor();

  await page.getByTestId('call-input').fill('What is your returns policy?');
  await page.getByTestId('call-say').click();
  // Catch the reply mid-stream, so the picture shows tokens arriving.
  await page
    .locator('[data-testid="call-agent"].streaming', { hasText: 'Returns policy: returns and' })
    .waitFor();
  await page.screenshot({ path: out });
  console.log(`Saved ${out}`);
} finally {
  await browser.close();
  await playground.stop();
}
