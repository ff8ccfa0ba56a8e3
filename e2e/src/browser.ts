import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Flags that make Debian's Chromium do WebRTC headless with fake media and no outside traffic. */
export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  browser: Browser;
  newParticipant(): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[] }>;
  close(): Promise<void>;
}

export interface ChromiumOptions {
  /**
   * A y4m file the fake camera plays (looping) instead of its test pattern, at the file's size and
   * frame rate: what a test wants the other party to see. One file for the whole browser.
   */
  fakeVideoFile?: string;
}

/**
 * One Chromium (Playwright gives it a fresh temporary profile); each participant gets its own
 * context (own storage, own fake media).
 */
export async function launchChromium(options: ChromiumOptions = {}): Promise<LaunchedBrowser> {
  const args = options.fakeVideoFile ? [...CHROMIUM_FLAGS, `--use-file-for-fake-video-capture=${options.fakeVideoFile}`] : CHROMIUM_FLAGS;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
  return {
    browser,
    async newParticipant() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(String(error)));
      return { context, page, consoleErrors };
    },
    async close() {
      await browser.close();
    },
  };
}

/**
 * One Chromium for the tests of a describe block: launched before them, closed after them. The
 * handle can be taken at once; it throws if used outside those tests.
 */
export function chromiumPerSuite(): LaunchedBrowser {
  let launched: LaunchedBrowser | undefined;
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => {
    await launched?.close();
  });
  const running = (): LaunchedBrowser => {
    if (!launched) throw new Error('Chromium is not running: use it inside the tests of its describe block');
    return launched;
  };
  return {
    get browser() {
      return running().browser;
    },
    newParticipant: () => running().newParticipant(),
    close: () => running().close(),
  };
}
