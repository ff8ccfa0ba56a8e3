import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, expect, it, vi } from 'vitest';
import { createSession, installFakeNode, Participant, registerNode, signedFetch, startCall, fullChecklist } from './helpers.ts';

// The "default" project runs as wrangler.toml ships: WEBHOOK_URL empty, webhooks off.
installFakeNode();
const nodeHandler = globalThis.fetch;
const outbound: string[] = [];
vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  outbound.push(request.url);
  return nodeHandler(request);
});

afterEach(() => Participant.closeAll());

it('with webhooks off a whole session makes no outbound call but to its node, and stores no events', async () => {
  await registerNode('node-off');
  const s = await createSession();
  const { agent } = await startCall(s);
  agent.send({ type: 'decide', decision: 'approved', reasonCodes: [], note: 'fine', checklist: fullChecklist() });
  await agent.next('session-ended');
  const stub = env.SESSIONS.get(env.SESSIONS.idFromName(s.sessionId));
  await runDurableObjectAlarm(stub);
  expect((await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).status).toBe(200);
  expect(outbound.length).toBeGreaterThan(0);
  for (const url of outbound) expect(url.startsWith('http://127.0.0.1:9/v1/commands')).toBe(true);
  // The outbox table is made at its first event (stored-tables.ts): with webhooks off there is none, or it is empty.
  const rows = await runInDurableObject(stub, (_, state) => {
    const made = state.storage.sql.exec("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'webhook_outbox'").one().n;
    return made ? state.storage.sql.exec('SELECT COUNT(*) AS n FROM webhook_outbox').one() : { n: 0 };
  });
  expect(rows.n).toBe(0);
  // No webhook to deliver: the only deadline left is the evidence's retention.
  const ended = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json()) as { endedAt: string };
  expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBe(Date.parse(ended.endedAt) + 1826 * 86_400_000);
});
