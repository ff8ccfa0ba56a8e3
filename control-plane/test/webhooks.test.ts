import { AuditTrail, verifyWebhook, WebhookEvent } from '@vident/protocol';
import { TEST_NODE_PRIVATE_KEY } from './node-keys.ts';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TEST_WEBHOOK_SECRET, TEST_WEBHOOK_URL } from './webhook-receiver.ts';
import { uploadRecording } from './evidence-helpers.ts';
import { BANK_KEY, createSession, installFakeNode, Participant, registerNode, signedFetch, startCall, sessionStub } from './helpers.ts';

// Runs in the "webhooks" project (vitest.config.ts): WEBHOOK_URL points at a closed loopback port
// that the fetch stub below answers as the bank's receiver; everything else goes to the fake node.
const node = installFakeNode();
const nodeHandler = globalThis.fetch;

interface Attempt {
  headers: Record<string, string>;
  body: string;
  status: number;
}

const bank = { status: 200, attempts: [] as Attempt[] };

vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  if (request.url !== TEST_WEBHOOK_URL) return nodeHandler(request);
  const body = await request.text();
  bank.attempts.push({ headers: Object.fromEntries(request.headers), body, status: bank.status });
  return new Response(bank.status < 300 ? null : 'down', { status: bank.status });
});

beforeEach(async () => {
  node.commands.length = 0;
  bank.status = 200;
  bank.attempts.length = 0;
  await registerNode('node-w');
});

afterEach(() => Participant.closeAll());

const alarmOf = (sessionId: string) => runInDurableObject(sessionStub(sessionId), (_, state) => state.storage.getAlarm());

/** The evidence retention deadline of an ended session (EVIDENCE_RETENTION_DAYS = 1826 after its end). */
const retentionOf = async (sessionId: string) => {
  const view = (await (await signedFetch('GET', `/v1/sessions/${sessionId}`)).json()) as { endedAt: string };
  return Date.parse(view.endedAt) + 1826 * 86_400_000;
};

interface OutboxRow {
  id: string;
  type: string;
  status: string;
  attempts: number;
  [k: string]: SqlStorageValue;
}

const outboxOf = (sessionId: string) =>
  runInDurableObject(sessionStub(sessionId), (_, state) =>
    state.storage.sql.exec<OutboxRow>('SELECT id, type, status, attempts FROM webhook_outbox ORDER BY seq').toArray(),
  );

/**
 * Makes every pending retry due now, then runs the alarm (no sleeping through the backoff). A
 * session always has an alarm (a timer, a retry or its evidence retention), and running it early
 * is what runDurableObjectAlarm does. Not re-armed to "now" first: workerd would then fire it on
 * its own, racing the assertions that follow.
 */
async function retryNow(sessionId: string): Promise<void> {
  await runInDurableObject(sessionStub(sessionId), (_, state) => {
    state.storage.sql.exec("UPDATE webhook_outbox SET next_at = ? WHERE status = 'pending'", Date.now() - 1);
  });
  expect(await runDurableObjectAlarm(sessionStub(sessionId))).toBe(true);
}

/** Runs alarms until every outbox row of the session is no longer pending. */
async function drain(sessionId: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await outboxOf(sessionId)).every((r) => r.status !== 'pending')) return;
    await retryNow(sessionId);
  }
  throw new Error(`outbox of ${sessionId} did not drain: ${JSON.stringify(await outboxOf(sessionId))}`);
}

/** Delivered (2xx) events of a session, verified like a bank would verify them. */
async function deliveredTo(sessionId: string): Promise<Array<{ id: string; event: WebhookEvent }>> {
  const out: Array<{ id: string; event: WebhookEvent }> = [];
  for (const a of bank.attempts.filter((x) => x.status < 300)) {
    const verified = await verifyWebhook({ secret: TEST_WEBHOOK_SECRET, header: (n) => a.headers[n], body: a.body });
    expect(verified.ok).toBe(true);
    if (verified.ok && verified.event.data.sessionId === sessionId) out.push({ id: verified.id, event: verified.event });
  }
  return out;
}

describe('webhooks to the bank', () => {
  it('delivers every lifecycle event signed, in order, without the note or any secret', async () => {
    const s = await createSession({ externalRef: 'case-webhook-1' });
    const { agent } = await startCall(s);
    agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], note: 'private note about the face' });
    await agent.next('session-ended');
    // Each recording is announced once its upload is stored; the pack once both are.
    const customerRecording = await uploadRecording('node-w', s.sessionId, 'customer', 1);
    await uploadRecording('node-w', s.sessionId, 'agent', 1);
    await drain(s.sessionId);

    const delivered = await deliveredTo(s.sessionId);
    expect(delivered.map((d) => d.event.type)).toEqual([
      'session.created',
      'session.waiting',
      'session.started',
      'session.decided',
      'recording.ready',
      'recording.ready',
      'evidence.ready',
    ]);
    expect(delivered.map((d) => d.id)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `evt_${s.sessionId}_${n}`));
    for (const d of delivered) expect(d.event.data).toMatchObject({ sessionId: s.sessionId, externalRef: 'case-webhook-1' });
    expect(delivered[1]!.event.data.state).toBe('waiting');
    expect(delivered[2]!.event.data.state).toBe('in_call');
    expect(delivered[3]!.event.data).toMatchObject({
      state: 'decided',
      endReason: 'rejected',
      outcome: { state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], decidedBy: 'agent' },
    });
    expect(delivered[4]!.event.data.recording).toMatchObject({
      artifactId: customerRecording.artifactId,
      participant: 'customer',
      segment: 1,
      state: 'stored',
      sha256: customerRecording.sha256,
    });
    expect(delivered[5]!.event.data.recording).toMatchObject({ participant: 'agent', state: 'stored' });
    expect(delivered[6]!.event.data).toMatchObject({ state: 'decided', evidence: { artifacts: 2 } });

    // Headers are the Standard Webhooks ones; the timestamp is the attempt's, in Unix seconds.
    const first = bank.attempts[0]!;
    expect(first.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Math.abs(Number(first.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const wire = JSON.stringify(bank.attempts);
    for (const secret of ['private note about the face', TEST_WEBHOOK_SECRET, TEST_WEBHOOK_SECRET.slice(6), TEST_NODE_PRIVATE_KEY, BANK_KEY.secret, 'test-token-secret']) {
      expect(wire).not.toContain(secret);
    }
    // A tampered body does not verify.
    const tampered = await verifyWebhook({ secret: TEST_WEBHOOK_SECRET, header: (n) => first.headers[n], body: first.body.replace('created', 'waiting') });
    expect(tampered.ok).toBe(false);
    // Drained: the ended session wakes up next for its evidence's retention only.
    expect(await alarmOf(s.sessionId)).toBe(await retentionOf(s.sessionId));
  });

  it('a receiver that answers 500 for a while gets every event afterwards, in order, with stable ids', async () => {
    bank.status = 500;
    const s = await createSession();
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await customer.next('welcome');
    expect((await signedFetch('DELETE', `/v1/sessions/${s.sessionId}`)).status).toBe(200);
    await customer.waitClosed();

    for (let i = 0; i < 4; i++) await retryNow(s.sessionId);
    // Only the oldest event was tried: the later ones wait for it.
    const tried = new Set(bank.attempts.map((a) => a.headers['webhook-id']));
    expect([...tried]).toEqual([`evt_${s.sessionId}_1`]);
    expect(bank.attempts.length).toBeGreaterThanOrEqual(4);
    const rows = await outboxOf(s.sessionId);
    expect(rows.map((r) => [r.type, r.status])).toEqual([
      ['session.created', 'pending'],
      ['session.waiting', 'pending'],
      ['session.cancelled', 'pending'],
      // Nothing was recorded before the cancel: the (empty) evidence pack is complete at once.
      ['evidence.ready', 'pending'],
    ]);
    expect(rows[0]!.attempts).toBeGreaterThanOrEqual(4);
    // The session is over but its alarm stays armed for the next delivery attempt, backed off.
    const alarm = await alarmOf(s.sessionId);
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeGreaterThan(Date.now() + 4_000);

    bank.status = 204;
    await drain(s.sessionId);
    const delivered = await deliveredTo(s.sessionId);
    expect(delivered.map((d) => [d.id, d.event.type])).toEqual([
      [`evt_${s.sessionId}_1`, 'session.created'],
      [`evt_${s.sessionId}_2`, 'session.waiting'],
      [`evt_${s.sessionId}_3`, 'session.cancelled'],
      [`evt_${s.sessionId}_4`, 'evidence.ready'],
    ]);
    expect(delivered[2]!.event.data).toMatchObject({ state: 'cancelled', outcome: { state: 'cancelled', by: 'bank' }, endReason: 'cancelled_by_bank' });
    expect((await outboxOf(s.sessionId)).every((r) => r.status === 'delivered')).toBe(true);
    expect(await alarmOf(s.sessionId)).toBe(await retentionOf(s.sessionId));
  });

  it('gives an event up 24 h after it happened (audited) and moves on to the next', async () => {
    bank.status = 503;
    const s = await createSession();
    expect((await signedFetch('DELETE', `/v1/sessions/${s.sessionId}`)).status).toBe(200);
    await retryNow(s.sessionId);
    await runInDurableObject(sessionStub(s.sessionId), (_, state) => {
      state.storage.sql.exec('UPDATE webhook_outbox SET created_at = created_at - ? WHERE seq = 1', 24 * 60 * 60_000 + 1);
    });
    // Still failing at the 24 h mark: given up; the next event is tried (and fails) in the same round.
    await retryNow(s.sessionId);
    expect((await outboxOf(s.sessionId)).map((r) => [r.type, r.status])).toEqual([
      ['session.created', 'failed'],
      ['session.cancelled', 'pending'],
      ['evidence.ready', 'pending'],
    ]);
    expect(bank.attempts.at(-1)!.headers['webhook-id']).toBe(`evt_${s.sessionId}_2`);
    bank.status = 200;
    await drain(s.sessionId);
    expect((await outboxOf(s.sessionId)).map((r) => [r.type, r.status])).toEqual([
      ['session.created', 'failed'],
      ['session.cancelled', 'delivered'],
      ['evidence.ready', 'delivered'],
    ]);
    expect((await deliveredTo(s.sessionId)).map((d) => d.event.type)).toEqual(['session.cancelled', 'evidence.ready']);
    const trail = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json());
    const failed = trail.entries.find((e) => e.action === 'webhook.failed');
    expect(failed).toMatchObject({ actor: 'system', detail: { webhookId: `evt_${s.sessionId}_1` } });
  });
});
