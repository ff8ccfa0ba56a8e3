import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from './browser.ts';

/** A Chromium of its own, with its process id, so the sockets it holds can be told apart. */
export interface OwnChromium {
  pid: number;
  browser: Browser;
  page: Page;
  context: BrowserContext;
  consoleErrors: string[];
  /** Every console line of the page (for diagnosing a failed expectation). */
  consoleLines: string[];
  close(): Promise<void>;
}

/**
 * Starts one Chromium process for one participant (launchServer exposes the process; launch does
 * not) and opens a page in it at `viewport`.
 */
export async function launchOwnChromium(viewport: { width: number; height: number }): Promise<OwnChromium> {
  const server = await chromium.launchServer({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  const pid = server.process().pid;
  if (pid === undefined) throw new Error('chromium has no pid');
  const browser = await chromium.connect(server.wsEndpoint());
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const consoleLines: string[] = [];
  page.on('console', (message) => {
    consoleLines.push(`${new Date().toISOString()} ${message.type()}: ${message.text()}`);
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  return {
    pid,
    browser,
    page,
    context,
    consoleErrors,
    consoleLines,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}
