/*
 * The pages' security headers as a browser meets them on the running stack (web/public/_headers,
 * applied by Workers static assets), and what they are for: another origin cannot frame a page.
 */
import { describe, expect, inject, it } from 'vitest';
import { chromiumPerSuite } from './browser.ts';

const stack = inject('stack');

describe('page security headers', () => {
  const chromium = chromiumPerSuite();

  it('every page carries a strict CSP, nosniff, no-referrer, HSTS and a camera/microphone policy', async () => {
    const { page } = await chromium.newParticipant();
    for (const path of ['/', '/join?lang=en', '/agent', '/supervisor', '/app.js']) {
      const res = await page.goto(`${stack.baseUrl}${path}`);
      const headers = res!.headers();
      const csp = headers['content-security-policy'] ?? '';
      // Scripts from this origin only; 'wasm-unsafe-eval' lets the OCR worker compile its wasm core
      // (web/public/_headers), never JavaScript eval ('unsafe-eval').
      expect(csp, path).toContain("script-src 'self' 'wasm-unsafe-eval';");
      expect(csp, path).not.toContain("'unsafe-eval'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(headers['x-content-type-options'], path).toBe('nosniff');
      expect(headers['referrer-policy'], path).toBe('no-referrer');
      expect(headers['strict-transport-security'], path).toMatch(/^max-age=\d{8,}/);
      expect(headers['permissions-policy'], path).toContain('camera=(self)');
    }
  });

  it('a page of another origin cannot frame a vident page', async () => {
    const { page } = await chromium.newParticipant();
    const refusals: string[] = [];
    page.on('console', (m) => {
      if (/frame-ancestors|Refused to (display|frame)/.test(m.text())) refusals.push(m.text());
    });
    // A blank page (its own origin) that frames the customer's page.
    await page.setContent(`<iframe id="victim" src="${stack.baseUrl}/join?lang=en"></iframe>`);
    await expect.poll(() => refusals.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const frame = await (await page.$('#victim'))!.contentFrame();
    // The blocked frame shows the browser's error page, never the app (no vident element in it).
    const appElements = await frame!.evaluate(() => document.querySelectorAll('[data-testid]').length).catch(() => 0);
    expect(appElements).toBe(0);
  });
});
