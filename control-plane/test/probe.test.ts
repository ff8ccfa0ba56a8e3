import { ErrorBody, ProbeAnswer, SessionView } from '@vident/protocol';
import { createExecutionContext, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { turnCredential } from '../src/session/turn-credentials.ts';
import { auditTrail, createSession, installFakeNode, ORIGIN, registerNode, signedFetch, tokenOf } from './helpers.ts';
import { participantPost, PROBE_OFFER } from './page-requests.ts';

/*
 * The customer's pre-call TCP probe route: the customer's token in Authorization, a data-channel
 * offer forwarded to the session's node as a `probe` command, the session untouched, the probe and
 * its reported outcome audited; refusals with stable codes (the real Janus path is in the e2e suite).
 * With TURN configured, the answer carries the customer's own TURN credentials for the relay probe.
 */

const node = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  node.failing.clear();
  await registerNode('node-probe');
});

function probe(sessionId: string, token: string | null, body: unknown = { sdp: PROBE_OFFER }, path = 'probe'): Promise<Response> {
  return participantPost(sessionId, path, token, body);
}

async function refused(res: Response): Promise<[number, string]> {
  return [res.status, ErrorBody.parse(await res.json()).error.code];
}

describe('pre-call probe', () => {
  it('forwards the customer’s offer to the session’s node and answers; the session is not joined; probe and result audited', async () => {
    const s = await createSession();
    const customer = tokenOf(s.customerUrl);
    const res = await probe(s.sessionId, customer);
    expect(res.status).toBe(200);
    const answer = ProbeAnswer.parse(await res.json());
    expect(answer.sdp).toBe(`v=0 echo-answer-${answer.probeId}`);
    // This runtime has no TURN configured: nothing to fall back to.
    expect(answer.iceServers).toEqual([]);
    // A direct probe carries no transport: a node that predates the field still takes it.
    expect(node.commands).toEqual([{ type: 'probe', sessionId: s.sessionId, probeId: answer.probeId, sdp: PROBE_OFFER }]);

    const view = SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json());
    expect(view.state).toBe('created');
    expect(view.participants.every((p) => !p.connected)).toBe(true);

    const report = await probe(s.sessionId, customer, { result: 'pass', echoMs: 35 }, `probe/${answer.probeId}/result`);
    expect(report.status).toBe(204);
    // Once per probe: a second report, or one for a probe never started, is refused.
    expect(await refused(await probe(s.sessionId, customer, { result: 'fail', failure: 'timeout' }, `probe/${answer.probeId}/result`))).toEqual([404, 'not_found']);
    expect(await refused(await probe(s.sessionId, customer, { result: 'pass' }, `probe/${crypto.randomUUID()}/result`))).toEqual([404, 'not_found']);
    expect(await refused(await probe(s.sessionId, customer, { result: 'great' }, `probe/${answer.probeId}/result`))).toEqual([400, 'validation_failed']);

    const entries = (await auditTrail(s.sessionId)).entries;
    expect(entries.filter((e) => e.action.startsWith('precheck.'))).toEqual([
      expect.objectContaining({ actor: 'customer', action: 'precheck.probe', detail: { probeId: answer.probeId, nodeId: 'node-probe' } }),
      // A report without a transport (a page before the relay probe) tested the direct path.
      expect.objectContaining({ actor: 'customer', action: 'precheck.network', detail: { probeId: answer.probeId, result: 'pass', transport: 'direct', echoMs: 35 } }),
    ]);
    expect(entries.some((e) => e.action.startsWith('participant.'))).toBe(false);
  });

  it('forwards a relay probe with transport relay; each probe’s path is audited with its outcome', async () => {
    const s = await createSession();
    const customer = tokenOf(s.customerUrl);
    const direct = ProbeAnswer.parse(await (await probe(s.sessionId, customer, { sdp: PROBE_OFFER, transport: 'direct' })).json());
    const relay = ProbeAnswer.parse(await (await probe(s.sessionId, customer, { sdp: PROBE_OFFER, transport: 'relay' })).json());
    expect(node.commands).toEqual([
      { type: 'probe', sessionId: s.sessionId, probeId: direct.probeId, sdp: PROBE_OFFER },
      { type: 'probe', sessionId: s.sessionId, probeId: relay.probeId, sdp: PROBE_OFFER, transport: 'relay' },
    ]);
    expect((await probe(s.sessionId, customer, { result: 'fail', transport: 'direct', failure: 'ice_failed' }, `probe/${direct.probeId}/result`)).status).toBe(204);
    expect((await probe(s.sessionId, customer, { result: 'pass', transport: 'relay', echoMs: 80 }, `probe/${relay.probeId}/result`)).status).toBe(204);
    expect((await auditTrail(s.sessionId)).entries.filter((e) => e.action === 'precheck.network').map((e) => e.detail)).toEqual([
      { probeId: direct.probeId, result: 'fail', transport: 'direct', failure: 'ice_failed' },
      { probeId: relay.probeId, result: 'pass', transport: 'relay', echoMs: 80 },
    ]);
    expect(await refused(await probe(s.sessionId, customer, { sdp: PROBE_OFFER, transport: 'udp' }))).toEqual([400, 'validation_failed']);
    expect(node.commands).toHaveLength(2);
  });

  it('with TURN configured, answers the customer’s own TURN servers (minted as for the welcome) in every probe answer', async () => {
    const turnSecret = 'test-turn-secret-0123456789abcdef';
    // The Worker's own handler with the real bindings plus TURN (this runtime's wrangler.toml has none).
    const withTurn = { ...env, TURN_URLS: 'turn:10.213.7.1:443?transport=tcp,turns:turn.example.bank:443?transport=tcp', TURN_SHARED_SECRET: turnSecret };
    const probeWithTurn = async (sessionId: string, token: string, body: unknown) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${ORIGIN}/v1/sessions/${sessionId}/probe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        }) as Request<unknown, IncomingRequestCfProperties>,
        withTurn,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    const s = await createSession();
    const before = Math.floor(Date.now() / 1000);
    const res = await probeWithTurn(s.sessionId, tokenOf(s.customerUrl), { sdp: PROBE_OFFER });
    expect(res.status).toBe(200);
    const answer = ProbeAnswer.parse(await res.json());
    expect(answer.iceServers).toHaveLength(1);
    const [server] = answer.iceServers;
    expect(server!.urls).toEqual(['turn:10.213.7.1:443?transport=tcp', 'turns:turn.example.bank:443?transport=tcp']);
    // TURN REST API scheme: "<expiry>:<label>", the label naming the session and the customer (no secret).
    const [expiry, label] = server!.username.split(':');
    expect(label).toBe(`${s.sessionId.slice(0, 8)}-customer`);
    expect(Number(expiry) - before).toBeGreaterThanOrEqual(3600);
    expect(Number(expiry) - before).toBeLessThanOrEqual(3600 + 5);
    // The credential coturn will recompute from its static-auth-secret (known-answer tested in turn-credentials.test.ts).
    expect(server!.credential).toBe(await turnCredential(turnSecret, server!.username));

    // The relay probe's answer carries them too, and its command says relay.
    const relay = ProbeAnswer.parse(await (await probeWithTurn(s.sessionId, tokenOf(s.customerUrl), { sdp: PROBE_OFFER, transport: 'relay' })).json());
    expect(relay.iceServers).toHaveLength(1);
    expect(node.commands.map((c) => c.type === 'probe' && c.transport)).toEqual([undefined, 'relay']);
    // Only the customer gets them: the agent's token is refused before anything is minted.
    expect(await refused(await probeWithTurn(s.sessionId, tokenOf(s.agentUrl), { sdp: PROBE_OFFER }))).toEqual([403, 'forbidden']);
  });

  it('refuses missing, foreign and agent tokens, malformed bodies and SDPs, without reaching the node', async () => {
    const s = await createSession();
    const other = await createSession();
    const customer = tokenOf(s.customerUrl);
    expect(await refused(await probe(s.sessionId, null))).toEqual([401, 'token_invalid']);
    expect(await refused(await probe(s.sessionId, 'nonsense.token'))).toEqual([401, 'token_invalid']);
    expect(await refused(await probe(s.sessionId, tokenOf(other.customerUrl)))).toEqual([401, 'token_invalid']);
    expect(await refused(await probe(s.sessionId, tokenOf(s.agentUrl)))).toEqual([403, 'forbidden']);
    // A token in the query string is not a credential here (it would end up in access logs).
    const inQuery = await SELF.fetch(`${ORIGIN}/v1/sessions/${s.sessionId}/probe?token=${customer}`, { method: 'POST', body: JSON.stringify({ sdp: PROBE_OFFER }) });
    expect(await refused(inQuery)).toEqual([401, 'token_invalid']);
    expect(await refused(await probe(s.sessionId, customer, '{not json'))).toEqual([400, 'invalid_json']);
    expect(await refused(await probe(s.sessionId, customer, { sdp: PROBE_OFFER, extra: 1 }))).toEqual([400, 'validation_failed']);
    expect(await refused(await probe(s.sessionId, customer, { sdp: 'hello' }))).toEqual([400, 'validation_failed']);
    const withVideo = PROBE_OFFER.replace('m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'm=video 9 UDP/TLS/RTP/SAVPF 96');
    expect(await refused(await probe(s.sessionId, customer, { sdp: withVideo }))).toEqual([400, 'validation_failed']);
    expect(await refused(await probe(s.sessionId, customer, { sdp: PROBE_OFFER.repeat(200) }))).toEqual([413, 'payload_too_large']);
    expect(await refused(await probe('not-a-session', customer))).toEqual([400, 'validation_failed']);
    expect(node.commands).toEqual([]);
    expect((await auditTrail(s.sessionId)).entries.some((e) => e.action.startsWith('precheck.'))).toBe(false);
  });

  it('refuses probes for an ended session', async () => {
    const s = await createSession();
    expect((await signedFetch('DELETE', `/v1/sessions/${s.sessionId}`)).status).toBe(200);
    expect(await refused(await probe(s.sessionId, tokenOf(s.customerUrl)))).toEqual([409, 'session_ended']);
    expect(node.commands.filter((c) => c.type === 'probe')).toEqual([]);
  });

  it('allows ten probes a minute per session, then answers 429 rate_limited (other sessions unaffected)', async () => {
    const s = await createSession();
    const other = await createSession();
    const customer = tokenOf(s.customerUrl);
    for (let i = 0; i < 10; i++) expect((await probe(s.sessionId, customer)).status).toBe(200);
    const limited = await probe(s.sessionId, customer);
    expect(await refused(limited)).toEqual([429, 'rate_limited']);
    expect(node.commands.filter((c) => c.type === 'probe')).toHaveLength(10);
    expect((await probe(other.sessionId, tokenOf(other.customerUrl))).status).toBe(200);
  });

  it('turns a node failure into 502 media_node_error', async () => {
    const s = await createSession();
    node.failing.add('probe');
    expect(await refused(await probe(s.sessionId, tokenOf(s.customerUrl)))).toEqual([502, 'media_node_error']);
  });
});
