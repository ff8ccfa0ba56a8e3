import { verifyWebhook, type WebhookEvent } from '@vident/protocol';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { expect, vi } from 'vitest';
import { sessionStub } from './helpers.ts';
import { TEST_WEBHOOK_SECRET, TEST_WEBHOOK_URL } from './webhook-receiver.ts';

/**
 * The bank's webhook receiver for a test file in a project with webhooks on: stubs fetch so each
 * webhook's signature is checked and its body kept in `bodies` (the file's beforeEach empties it);
 * every other request goes on to the fetch it replaced (the fake node's, so call it after
 * installFakeNode). Call once, at the top of the file.
 */
export function receiveSignedWebhooks(): { bodies: string[]; deliver(sessionId: string): Promise<WebhookEvent[]> } {
  const passOn = globalThis.fetch;
  const bodies: string[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url !== TEST_WEBHOOK_URL) return passOn(request);
    const body = await request.text();
    expect((await verifyWebhook({ secret: TEST_WEBHOOK_SECRET, header: (n) => request.headers.get(n), body })).ok).toBe(true);
    bodies.push(body);
    return new Response(null, { status: 204 });
  });
  return {
    bodies,
    /** Delivers every due webhook of the session now (the outbox is retried from the alarm); the session's events so far. */
    async deliver(sessionId: string): Promise<WebhookEvent[]> {
      await runInDurableObject(sessionStub(sessionId), (_, state) => {
        state.storage.sql.exec("UPDATE webhook_outbox SET next_at = ? WHERE status = 'pending'", Date.now() - 1);
      });
      await runDurableObjectAlarm(sessionStub(sessionId));
      return bodies.map((b) => JSON.parse(b) as WebhookEvent).filter((e) => e.data.sessionId === sessionId);
    },
  };
}
