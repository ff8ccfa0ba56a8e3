import { SELF } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEST_EVIDENCE_SIGNING_KEY } from './evidence-keys.ts';
import { TEST_CONTROL_PLANE_SIGNING_KEY, TEST_NODE_PRIVATE_KEY } from './node-keys.ts';
import { uploadRecording } from './evidence-helpers.ts';
import { BANK_KEY, createSession, installFakeNode, registerNode, signedFetch, startCall, fullChecklist } from './helpers.ts';

// Every secret the test Worker holds (see vitest.config.ts bindings).
const SECRETS = [
  BANK_KEY.secret,
  'test-bank-next-secret-0123456789',
  'test-bank-old-secret-0123456789a',
  'test-token-secret-0123456789abcdef',
  TEST_NODE_PRIVATE_KEY,
  TEST_CONTROL_PLANE_SIGNING_KEY,
  TEST_EVIDENCE_SIGNING_KEY,
];

installFakeNode();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('secrets never reach an answer or a log', () => {
  it('no response body, error body, WebSocket message or log line of a whole session life holds a secret', async () => {
    const seen: string[] = [];
    const logged: string[] = [];
    // The Worker and its Durable Objects run in this isolate: their structured logs pass through here.
    for (const level of ['log', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    }
    await registerNode('node-secrets');
    // Decoded, not res.text(): the runtime warns on text() of a binary body (the sealed download).
    const keep = async (res: Response) => seen.push(`${res.status} ${[...res.headers].join(' ')} ${new TextDecoder().decode(await res.arrayBuffer())}`);

    const s = await createSession();
    const { customer, agent } = await startCall(s);
    for (const p of [customer, agent]) {
      p.ws.addEventListener('message', (e) => {
        seen.push(String(e.data));
      });
      seen.push(...p.received.map((m) => JSON.stringify(m)));
    }
    agent.send({ type: 'decide', decision: 'approved', reasonCodes: [], note: 'face matches the ID', checklist: fullChecklist() });
    await customer.next('session-ended');
    await agent.next('session-ended');

    // The evidence life too: an upload, the pack (not ready, then ready), a download, the deletion.
    await uploadRecording('node-secrets', s.sessionId, 'customer', 1);
    await keep(await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`));
    await uploadRecording('node-secrets', s.sessionId, 'agent', 1);
    const pack = await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`);
    const packText = await pack.clone().text();
    await keep(pack);
    await keep(await SELF.fetch((JSON.parse(packText) as { downloads: Array<{ url: string }> }).downloads[0]!.url));

    for (const path of ['/health', '/v1/config', '/v1/openapi.json', '/v1/nope', '/v1/evidence/signing-key']) await keep(await SELF.fetch(`http://vident.test${path}`));
    for (const path of [`/v1/sessions/${s.sessionId}`, `/v1/sessions/${s.sessionId}/audit`, `/v1/sessions/${s.sessionId}/artifacts`, '/v1/sessions', '/v1/status', '/v1/recordings']) {
      await keep(await signedFetch('GET', path));
    }
    await keep(await signedFetch('DELETE', `/v1/sessions/${s.sessionId}/evidence`));
    // Refusals and validation errors explain themselves without echoing what they checked against.
    await keep(await signedFetch('GET', '/v1/sessions/not-a-session'));
    await keep(await signedFetch('POST', '/v1/sessions', { externalRef: '' }));
    await keep(await SELF.fetch('http://vident.test/v1/sessions', { method: 'POST', body: '{}' }));
    await keep(await SELF.fetch('http://vident.test/v1/nodes/register', { method: 'POST', body: '{}' }));

    expect(seen.length).toBeGreaterThan(12);
    expect(logged.some((line) => line.includes('session_ended'))).toBe(true);
    for (const text of [...seen, ...logged]) for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});
