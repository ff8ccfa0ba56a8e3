/*
 * The API reference at /docs on the running stack: swagger-ui (served by vident from
 * /vendor/swagger-ui/, no CDN) renders the Worker's own OpenAPI document, with its operations and
 * every webhook, under the page's strict Content Security Policy, and passes axe.
 */
import { WebhookEventType } from '@vident/protocol';
import { describe, expect, inject, it } from 'vitest';
import { chromiumPerSuite } from './browser.ts';
import { auditScreen } from './page-audit.ts';

const stack = inject('stack');

describe('API reference page (/docs)', () => {
  const chromium = chromiumPerSuite();

  it('renders the operations and the webhooks from /v1/openapi.json, every request to this origin, axe-clean', async () => {
    const { page, consoleErrors } = await chromium.newParticipant();
    const origin = new URL(stack.baseUrl).origin;
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    const res = await page.goto(`${stack.baseUrl}/docs`);
    expect(res!.status()).toBe(200);
    // The page's own policy (web/public/_headers): the pages' one with img-src data: for
    // swagger-ui.css's icons; scripts and styles from this origin only, never inline or eval.
    const csp = res!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("img-src 'self' data:;");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);

    const createSession = page.locator('.opblock', { hasText: 'createSession' }).first();
    await createSession.waitFor({ timeout: 30_000 });
    expect(await createSession.locator('.opblock-summary-path').textContent()).toBe('/v1/sessions');
    // Every webhook event type the code can send is listed.
    for (const type of WebhookEventType.options) {
      await expect.poll(() => page.locator('.opblock-summary-path', { hasText: type }).count(), { message: type }).toBeGreaterThan(0);
    }

    // Opened, an operation shows its request example and the signed route's error codes, and a
    // webhook its signature headers: what swagger-ui draws when a reader expands them.
    await createSession.locator('.opblock-summary-control').click();
    await expect.poll(() => createSession.textContent()).toContain('loan-2026-000123');
    expect(await createSession.textContent()).toContain('request_replayed');
    const decided = page.locator('.opblock', { hasText: 'webhook_session_decided' }).first();
    await decided.locator('.opblock-summary-control').click();
    await expect.poll(() => decided.textContent()).toContain('webhook-signature');
    // The error codes with their statuses: the ErrorCode schema's table, under Schemas.
    await page.locator('.models-control').click();
    const errorCode = page.locator('section.models article', { has: page.locator('.json-schema-2020-12__title', { hasText: /^ErrorCode$/ }) }).first();
    await errorCode.locator('button.json-schema-2020-12-accordion').first().click();
    await expect.poll(() => errorCode.locator('table').textContent()).toMatch(/request_replayed\s*401/);

    expect(await auditScreen(page, 'api-docs')).toEqual([]);
    expect(requests.length).toBeGreaterThan(4);
    for (const url of requests) {
      // data: URLs are swagger-ui.css's icons, inside the stylesheet; nothing leaves the origin.
      if (!url.startsWith('data:')) expect(new URL(url).origin, url).toBe(origin);
    }
    expect(requests).toContain(`${origin}/v1/openapi.json`);
    expect(consoleErrors).toEqual([]);
  });
});
