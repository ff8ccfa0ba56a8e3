import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseWebhookSecret, signWebhook, toWebhookOutcome, verifyWebhook, WebhookEvent } from './webhooks.ts';

const KEY = Buffer.from('vident-webhook-test-key-32-bytes', 'utf8');
const SECRET = `whsec_${KEY.toString('base64')}`;
const event: WebhookEvent = {
  type: 'session.created',
  timestamp: '2026-01-02T03:04:05.000Z',
  data: { sessionId: '0b6f1f6e-3c1a-4d5e-9f00-1234567890ab', externalRef: 'case-1', state: 'created' },
};

describe('webhook signatures (Standard Webhooks)', () => {
  it('matches a vector computed independently with node:crypto', async () => {
    const body = JSON.stringify(event);
    const id = 'evt_0b6f1f6e-3c1a-4d5e-9f00-1234567890ab_1';
    const expected = createHmac('sha256', KEY).update(`${id}.1767322800.${body}`).digest('base64');
    const headers = await signWebhook({ secret: SECRET, id, timestamp: 1767322800, body });
    expect(headers).toEqual({ 'webhook-id': id, 'webhook-timestamp': '1767322800', 'webhook-signature': `v1,${expected}` });
  });

  it('verifies what it signs and refuses tampering, staleness, wrong keys and bad secrets', async () => {
    const body = JSON.stringify(event);
    const headers = await signWebhook({ secret: SECRET, id: 'evt_1', timestamp: 1000, body });
    const header = (h: Record<string, string>) => (n: string) => h[n];
    const ok = await verifyWebhook({ secret: SECRET, header: header(headers), body, now: 1100 });
    expect(ok).toEqual({ ok: true, id: 'evt_1', event });
    expect(await verifyWebhook({ secret: SECRET, header: header(headers), body: body.replace('case-1', 'case-2'), now: 1100 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verifyWebhook({ secret: SECRET, header: header(headers), body, now: 1000 + 301 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    const other = `whsec_${Buffer.from('another-key-of-32-bytes-length!!').toString('base64')}`;
    expect(await verifyWebhook({ secret: other, header: header(headers), body, now: 1100 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verifyWebhook({ secret: SECRET, header: header({ ...headers, 'webhook-id': 'evt_2' }), body, now: 1100 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verifyWebhook({ secret: SECRET, header: () => null, body, now: 1100 })).toEqual({ ok: false, reason: 'missing_headers' });
    // Several signatures (rotation): any valid one is enough.
    const rotated = { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` };
    expect((await verifyWebhook({ secret: SECRET, header: header(rotated), body, now: 1100 })).ok).toBe(true);
    expect(parseWebhookSecret('not-a-secret')).toBeNull();
    expect(parseWebhookSecret('whsec_c2hvcnQ=')).toBeNull(); // 5 bytes: too short
    await expect(signWebhook({ secret: 'whsec_!!', id: 'x', timestamp: 1, body })).rejects.toThrow(/whsec_/);
  });

  it('never carries the decision note', () => {
    const outcome = toWebhookOutcome({ state: 'decided', decision: 'approved', reasonCodes: [], note: 'secret note', decidedBy: 'agent' });
    expect(outcome).toEqual({ state: 'decided', decision: 'approved', reasonCodes: [], decidedBy: 'agent' });
    expect(WebhookEvent.parse({ ...event, data: { ...event.data, state: 'decided', outcome } }).data.outcome).not.toHaveProperty('note');
  });

  it('names the desk agent who decided (id and display name)', () => {
    const agent = { id: 'kim.minji', name: '김민지' };
    const outcome = toWebhookOutcome({ state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], note: 'n', decidedBy: 'agent', agent });
    expect(outcome).toEqual({ state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], decidedBy: 'agent', agent });
    expect(WebhookEvent.parse({ ...event, data: { ...event.data, state: 'decided', outcome } }).data.outcome).toMatchObject({ agent });
  });
});
