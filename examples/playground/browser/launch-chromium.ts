import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Where Debian's chromium lives (`apt-get install chromium`); `CHROMIUM_PATH` overrides. */
export function chromiumPath(env: Record<string, string | undefined> = process.env): string {
  return env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** True when the chromium binary exists. */
export function hasChromium(env: Record<string, string | undefined> = process.env): boolean {
  return existsSync(chromiumPath(env));
}

/**
 * Flags for a headless chromium on a machine where only loopback is
 * reachable: no sandbox (containers), no GPU, and nothing that phones home.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** A headless chromium with a fresh, empty profile; `close()` also deletes the profile. */
export interface LocalBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launch Debian's chromium headless through playwright-core, with a new empty
 * `--user-data-dir` (playwright passes it for a persistent context).
 */
export async function launchChromium(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<LocalBrowser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. Install it with "apt-get install -y chromium" (.ci/run does), ` +
        'or set CHROMIUM_PATH.',
    );
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'tac-playground-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: options.viewport ?? { width: 1440, height: 900 },
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
