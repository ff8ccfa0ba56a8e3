import { ArtifactView, AuditTrail, ErrorBody, generateBankKeyPair, importBankPublicKey, MAX_CAPTURE_BYTES, sealBytes, sha256Hex } from '@vident/protocol';
import { SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_BANK_KEY_ID } from './evidence-keys.ts';
import { objectBytes, objectsOf, open, pattern, seal } from './evidence-helpers.ts';
import { createSession, installFakeNode, ORIGIN, Participant, registerNode, signedFetch, startCall, tokenOf } from './helpers.ts';

/*
 * The agent's captures: sealed in the browser for the bank's key, uploaded with the agent's
 * participant token, stored in R2 only while the call runs. The control plane never sees the image.
 */

installFakeNode();

beforeEach(async () => {
  await registerNode('node-captures');
});

afterEach(() => Participant.closeAll());

function postCapture(sessionId: string, token: string | null, body: BodyInit, capture = 'id_front', extra = ''): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/v1/sessions/${sessionId}/captures?capture=${capture}${extra}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body,
  });
}

async function refused(res: Response): Promise<[number, string]> {
  return [res.status, ErrorBody.parse(await res.json()).error.code];
}

/** A JPEG-sized stand-in: the control plane only ever sees it sealed. */
const still = pattern(180_000, 42);

describe('captures', () => {
  it('stores the agent’s sealed still; the bank key opens the stored object to the same bytes', async () => {
    const s = await createSession();
    const sealed = await seal(still, 'image/jpeg');
    const res = await postCapture(s.sessionId, tokenOf(s.agentUrl), sealed, 'id_front');
    expect(res.status).toBe(201);
    const artifact = ArtifactView.parse(await res.json());
    expect(artifact).toMatchObject({
      sessionId: s.sessionId,
      kind: 'capture',
      participant: 'customer',
      capture: 'id_front',
      segment: null,
      contentType: 'image/jpeg',
      size: sealed.length,
      sha256: await sha256Hex(sealed),
      bankKeyId: TEST_BANK_KEY_ID,
      state: 'stored',
      offsetMs: null,
    });
    expect(artifact.artifactId).toMatch(new RegExp(`^cap-${s.sessionId.slice(0, 8)}-id-front-[0-9a-f]{8}$`));
    expect(artifact.fileName).toBe(`capture-id_front-${artifact.artifactId}.venc`);
    const stored = await objectBytes(`sessions/${s.sessionId}/${artifact.artifactId}`);
    const opened = await open(stored!);
    expect(opened.contentType).toBe('image/jpeg');
    expect(await sha256Hex(opened.plain)).toBe(await sha256Hex(still));

    const face = await postCapture(s.sessionId, tokenOf(s.agentUrl), await seal(pattern(1000, 43), 'image/png'), 'face');
    expect(face.status).toBe(201);
    const list = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/artifacts`)).json()) as { artifacts: ArtifactView[] };
    expect(list.artifacts.map((a) => a.capture).sort()).toEqual(['face', 'id_front']);
    const trail = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json());
    expect(trail.entries.filter((e) => e.action === 'capture.stored')).toEqual([
      expect.objectContaining({ actor: 'agent', detail: { artifactId: artifact.artifactId, capture: 'id_front', sha256: artifact.sha256, size: artifact.size } }),
      expect.objectContaining({ actor: 'agent', detail: expect.objectContaining({ capture: 'face' }) }),
    ]);
  });

  it('refuses the customer, other sessions, bad envelopes, other keys, oversized bodies and ended sessions', async () => {
    const s = await createSession();
    const other = await createSession();
    const sealed = await seal(still, 'image/jpeg');
    // The customer's page uploads only a still the agent asked for (see "the customer's stills").
    expect(await refused(await postCapture(s.sessionId, tokenOf(s.customerUrl), sealed))).toEqual([409, 'still_not_requested']);
    expect(await refused(await postCapture(s.sessionId, null, sealed))).toEqual([401, 'token_invalid']);
    expect(await refused(await postCapture(s.sessionId, tokenOf(other.agentUrl), sealed))).toEqual([401, 'token_invalid']);
    const agent = tokenOf(s.agentUrl);
    expect(await refused(await postCapture(s.sessionId, agent, sealed, 'selfie'))).toEqual([400, 'validation_failed']);
    // Plaintext (not an envelope), a truncated envelope, a video, another bank's key.
    expect(await refused(await postCapture(s.sessionId, agent, still))).toEqual([400, 'validation_failed']);
    expect(await refused(await postCapture(s.sessionId, agent, sealed.slice(0, 40)))).toEqual([400, 'validation_failed']);
    expect(await refused(await postCapture(s.sessionId, agent, await seal(still, 'video/webm')))).toEqual([400, 'validation_failed']);
    const foreignKey = await importBankPublicKey((await generateBankKeyPair(2048)).publicKeyPem);
    const foreign = await sealBytes(foreignKey, 'image/jpeg', still);
    const wrongKey = await postCapture(s.sessionId, agent, foreign);
    expect(await refused(wrongKey)).toEqual([400, 'validation_failed']);
    // Over MAX_CAPTURE_BYTES, with or without a Content-Length that says so.
    const huge = new Uint8Array(MAX_CAPTURE_BYTES + 1);
    huge.set(sealed.subarray(0, 1000));
    expect(await refused(await postCapture(s.sessionId, agent, huge))).toEqual([413, 'payload_too_large']);
    // Streamed without one: the limit in MiB writes, then the byte past it, written here. A
    // ReadableStream of 13 MiB that the runtime pumps into the request had its pump cut when the Worker
    // stopped reading, which printed an unhandled "Network connection lost" on every passing run.
    const streamed = new IdentityTransformStream();
    const writer = streamed.writable.getWriter();
    const writing = (async () => {
      for (let i = 0; i < MAX_CAPTURE_BYTES / (1024 * 1024); i++) await writer.write(new Uint8Array(1024 * 1024));
      await writer.write(new Uint8Array(1));
      await writer.close();
    })();
    expect(await refused(await postCapture(s.sessionId, agent, streamed.readable))).toEqual([413, 'payload_too_large']);
    await writing;
    expect(await objectsOf(s.sessionId)).toEqual([]);

    // Once the session has ended, no capture is taken, and none is left in the bucket.
    expect((await signedFetch('DELETE', `/v1/sessions/${s.sessionId}`)).status).toBe(200);
    expect(await refused(await postCapture(s.sessionId, agent, sealed))).toEqual([409, 'session_ended']);
    expect(await objectsOf(s.sessionId)).toEqual([]);
  });
});

describe("the customer's stills (issue 17)", () => {
  const size = '&width=1920&height=1080';

  it('are refused without an outstanding request of the agent, and nothing is stored', async () => {
    const s = await createSession({ record: true });
    const { customer } = await startCall(s);
    const token = tokenOf(s.customerUrl);
    const sealed = await seal(still, 'image/jpeg');
    // No request at all, a made-up id, and the agent's own token cannot borrow the customer's path.
    expect(await refused(await postCapture(s.sessionId, token, sealed, 'id_front', size))).toEqual([409, 'still_not_requested']);
    expect(await refused(await postCapture(s.sessionId, token, sealed, 'id_front', `&request=0123456789abcdef${size}`))).toEqual([409, 'still_not_requested']);
    expect(await refused(await postCapture(s.sessionId, token, sealed, 'id_front', `&request=not-hex${size}`))).toEqual([400, 'validation_failed']);
    // A still-failed for a request nobody made is refused on the socket too.
    customer.send({ type: 'still-failed', requestId: '0123456789abcdef', code: 'no_camera' });
    expect(await customer.next('error')).toMatchObject({ code: 'still_not_requested' });
    customer.send({ type: 'still-request', kind: 'face' });
    expect(await customer.next('error')).toMatchObject({ code: 'forbidden' });
    expect(await objectsOf(s.sessionId)).toEqual([]);
    const list = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/artifacts`)).json()) as { artifacts: ArtifactView[] };
    expect(list.artifacts).toEqual([]);
  });

  it("are stored as the customer's capture when the agent asked, once per request, and the agent is told", async () => {
    const s = await createSession({ record: true });
    const { customer, agent } = await startCall(s);
    const token = tokenOf(s.customerUrl);
    agent.send({ type: 'still-request', kind: 'id_front' });
    const request = await customer.next('still-request');
    expect(request).toEqual({ type: 'still-request', requestId: expect.stringMatching(/^[0-9a-f]{16}$/), kind: 'id_front' });
    const sealed = await seal(still, 'image/jpeg');
    // Token scope: another session's customer cannot use this session's request.
    const other = await createSession({ record: true });
    expect(await refused(await postCapture(s.sessionId, tokenOf(other.customerUrl), sealed, 'id_front', `&request=${request.requestId}${size}`))).toEqual([401, 'token_invalid']);
    // The request admits its kind only, and a still must say its size.
    expect(await refused(await postCapture(s.sessionId, token, sealed, 'face', `&request=${request.requestId}${size}`))).toEqual([409, 'still_not_requested']);
    expect(await refused(await postCapture(s.sessionId, token, sealed, 'id_front', `&request=${request.requestId}`))).toEqual([400, 'validation_failed']);
    const res = await postCapture(s.sessionId, token, sealed, 'id_front', `&request=${request.requestId}${size}`);
    expect(res.status).toBe(201);
    const artifact = ArtifactView.parse(await res.json());
    expect(artifact).toMatchObject({ kind: 'capture', participant: 'customer', capture: 'id_front', source: 'customer_camera', width: 1920, height: 1080 });
    expect(artifact.artifactId).toMatch(new RegExp(`^still-${s.sessionId.slice(0, 8)}-id-front-[0-9a-f]{8}$`));
    expect(await agent.next('still-stored')).toEqual({
      type: 'still-stored',
      requestId: request.requestId,
      kind: 'id_front',
      artifactId: artifact.artifactId,
      width: 1920,
      height: 1080,
    });
    const opened = await open((await objectBytes(`sessions/${s.sessionId}/${artifact.artifactId}`))!);
    expect(await sha256Hex(opened.plain)).toBe(await sha256Hex(still));
    // Used up: the same request admits no second upload.
    expect(await refused(await postCapture(s.sessionId, token, sealed, 'id_front', `&request=${request.requestId}${size}`))).toEqual([409, 'still_not_requested']);

    // The agent's own capture beside it: declared size kept, source received_video.
    const own = await postCapture(s.sessionId, tokenOf(s.agentUrl), sealed, 'id_front', '&width=1280&height=720');
    expect(ArtifactView.parse(await own.json())).toMatchObject({ source: 'received_video', width: 1280, height: 720 });

    // A failure report closes a request and reaches the agent with its code.
    agent.send({ type: 'still-request', kind: 'face' });
    const face = await customer.next('still-request');
    customer.send({ type: 'still-failed', requestId: face.requestId, code: 'no_camera' });
    expect(await agent.next('still-failed')).toEqual({ type: 'still-failed', requestId: face.requestId, kind: 'face', code: 'no_camera' });
    expect(await refused(await postCapture(s.sessionId, token, sealed, 'face', `&request=${face.requestId}${size}`))).toEqual([409, 'still_not_requested']);

    const trail = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json());
    const actions = trail.entries.filter((e) => e.action.startsWith('still.') || e.action === 'capture.stored').map((e) => [e.actor, e.action]);
    expect(actions).toEqual([
      ['agent', 'still.requested'],
      ['customer', 'capture.stored'],
      ['agent', 'capture.stored'],
      ['agent', 'still.requested'],
      ['customer', 'still.failed'],
    ]);
    const stored = trail.entries.find((e) => e.actor === 'customer' && e.action === 'capture.stored')!;
    expect(stored.detail).toMatchObject({ artifactId: artifact.artifactId, source: 'customer_camera', requestId: request.requestId, width: 1920, height: 1080 });
  });

  it('are answered at once when the customer is not connected', async () => {
    const s = await createSession({ record: false });
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await agent.next('welcome');
    agent.send({ type: 'still-request', kind: 'id_back' });
    expect(await agent.next('still-failed')).toMatchObject({ kind: 'id_back', code: 'customer_away' });
  });
});
