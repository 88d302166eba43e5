/** Headless chromium for the browser test and the screenshot script. */
export {
  CHROMIUM_ARGS,
  chromiumPath,
  hasChromium,
  type LocalBrowser,
  launchChromium,
} from './launch-chromium.ts';
